//! The playbook template language: takes a template source and the playbook's declared
//! parameters; gives the minijinja environment every playbook template is rendered with, and,
//! at load time, every reason a template cannot work: it does not parse, or it names a variable
//! that will not exist (`facts.*` is checked when rendering, as findings differ in their facts).

use std::collections::BTreeSet;

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::config::yaml::suggest;

/// The variables a template can start from.
pub const ROOTS: [&str; 5] = ["target", "host", "incident", "facts", "params"];
/// The fields of the roots that have fixed fields (`facts` and `params` have not).
pub const FIELDS: [&str; 9] = [
    "target.kind",
    "target.host",
    "target.name",
    "target.key",
    "host.name",
    "host.address",
    "incident.id",
    "incident.kind",
    "incident.summary",
];

/// Strict undefined (a missing variable is an error, never an empty string), no HTML
/// escaping, and a template's final newline kept (it may be a file's last line).
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    if let Ok(syntax) = SyntaxConfig::builder().keep_trailing_newline(true).build() {
        env.set_syntax(syntax);
    }
    env
}

/// Where a template is used: parameter defaults are rendered before there are `params`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Step,
    ParamDefault,
}

/// Every problem with `source`, as diagnostic messages; none means it is usable.
pub fn check(source: &str, declared: &BTreeSet<String>, usage: Use) -> Vec<String> {
    let env = environment();
    let template = match env.template_from_str(source) {
        Ok(template) => template,
        Err(error) => return vec![invalid(&error, source)],
    };
    let mut names: Vec<String> = template.undeclared_variables(true).into_iter().collect();
    names.sort();
    names
        .iter()
        .filter_map(|name| problem(name, declared, usage))
        .collect()
}

fn invalid(error: &minijinja::Error, source: &str) -> String {
    let detail = error.detail().map_or_else(
        || error.kind().to_string(),
        |d| format!("{}: {d}", error.kind()),
    );
    match error.line() {
        Some(line) if source.trim_end().contains('\n') => {
            format!("invalid template: {detail} (line {line} of the template)")
        }
        _ => format!("invalid template: {detail}"),
    }
}

/// Why the variable `name` (dotted, as minijinja reports nested lookups) will not exist.
fn problem(name: &str, declared: &BTreeSet<String>, usage: Use) -> Option<String> {
    let mut parts = name.split('.');
    let root = parts.next().unwrap_or_default();
    let field = parts.next();
    if !ROOTS.contains(&root) {
        let hint = suggest::hint(root, &ROOTS);
        return Some(format!("unknown variable `{root}` in template ({hint})"));
    }
    match (root, field) {
        ("params", _) if usage == Use::ParamDefault => Some(format!(
            "a parameter default cannot use `params` (found `{name}`)"
        )),
        ("params", Some(param)) if !declared.contains(param) => {
            let names: Vec<&str> = declared.iter().map(String::as_str).collect();
            let hint = if names.is_empty() {
                "this playbook declares no `params`".to_owned()
            } else {
                suggest::hint(param, &names)
            };
            Some(format!("unknown parameter `params.{param}` ({hint})"))
        }
        ("target" | "host" | "incident", Some(field)) => {
            let full = format!("{root}.{field}");
            if FIELDS.contains(&full.as_str()) {
                return None;
            }
            let siblings: Vec<&str> = FIELDS
                .iter()
                .copied()
                .filter(|f| f.starts_with(&format!("{root}.")))
                .collect();
            let hint = suggest::hint(&full, &siblings);
            Some(format!("unknown variable `{full}` in template ({hint})"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(source: &str, usage: Use) -> Vec<String> {
        let declared = ["dir".to_string(), "grace".to_string()].into();
        check(source, &declared, usage)
    }

    #[test]
    fn known_variables_pass() {
        let source = "{{ target.name }} {{ host.address }} {{ incident.id }} {{ facts.image }} \
                      {{ params.dir }} {% for x in [1] %}{{ x }}{{ loop.index }}{% endfor %} \
                      {% set y = 1 %}{{ y }} {{ target.name | upper }} {{ target }}";
        assert_eq!(problems(source, Use::Step), Vec::<String>::new());
    }

    #[test]
    fn unknown_variables_are_named() {
        assert_eq!(
            problems(
                "{{ taget.name }} {{ params.dri }} {{ target.nme }} {{ x }}",
                Use::Step
            ),
            [
                "unknown parameter `params.dri` (did you mean `dir`?)",
                "unknown variable `taget` in template (did you mean `target`?)",
                "unknown variable `target.nme` in template (did you mean `target.name`?)",
                "unknown variable `x` in template (expected one of: target, host, incident, facts, params)",
            ]
        );
        let none = check("{{ params.x }}", &BTreeSet::new(), Use::Step);
        assert_eq!(
            none,
            ["unknown parameter `params.x` (this playbook declares no `params`)"]
        );
        assert_eq!(
            problems("{{ params.dir }}", Use::ParamDefault),
            ["a parameter default cannot use `params` (found `params.dir`)"]
        );
    }

    #[test]
    fn syntax_errors_are_reported() {
        assert_eq!(
            problems("{{ target.name", Use::Step),
            [
                "invalid template: syntax error: unexpected end of input, expected end of variable block"
            ]
        );
        assert_eq!(
            problems("a\n{% if x %}\n", Use::Step),
            [
                "invalid template: syntax error: unexpected end of input, expected end of block (line 2 of the template)"
            ]
        );
    }
}
