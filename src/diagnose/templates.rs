//! The rule language: takes a template (`cause`, `evidence`, `params`) or a `match.when`
//! expression; gives the minijinja environments rules are evaluated with and, at load time,
//! every reason a source cannot work: it does not parse, names a variable that will not exist,
//! or hands `search` a literal regex that does not compile.
//!
//! Templates render with strict undefined (a missing value fails the render, so the rule does
//! not match; `is defined` asks) and no escaping or quoting: they are sentences, not shell or
//! HTML. `when` uses chainable undefined: a missing `facts.x`, `context.x` (or `context.x.y`)
//! is undefined, which is falsy and unequal to any string.

use std::sync::LazyLock;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};
use regex::Regex;

use crate::config::yaml::suggest;

/// The variables templates and expressions can start from.
pub const ROOTS: [&str; 5] = ["target", "facts", "context", "logs", "repeated_error"];
/// The fields of `target` (`facts` and `context` have any names).
pub const TARGET_FIELDS: [&str; 4] = ["target.kind", "target.host", "target.name", "target.key"];

/// The environment `cause`, `evidence` and `params` render in.
pub fn template_environment() -> Environment<'static> {
    environment(UndefinedBehavior::Strict)
}

/// The environment `match.when` is evaluated in.
pub fn expression_environment() -> Environment<'static> {
    environment(UndefinedBehavior::Chainable)
}

fn environment(undefined: UndefinedBehavior) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(undefined);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.add_filter("search", search);
    env
}

/// The filter `VALUE | search(REGEX)`: a string that matches, or the last item of a list
/// (such as `logs`) that does; `""` when nothing does. An undefined value is `""` in `when`
/// and an error in templates.
fn search(state: &State, value: &Value, pattern: &str) -> Result<String, Error> {
    let regex = Regex::new(pattern).map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("invalid regex `{pattern}`: {}", regex_reason(&e)),
        )
    })?;
    if value.is_undefined() {
        return match state.undefined_behavior() {
            UndefinedBehavior::Strict | UndefinedBehavior::SemiStrict => Err(Error::new(
                ErrorKind::UndefinedError,
                "`search` was given an undefined value",
            )),
            _ => Ok(String::new()),
        };
    }
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    let found = match value.as_str() {
        Some(one) => regex.is_match(one).then(|| one.to_owned()),
        None => match value.try_iter() {
            Ok(items) => items
                .map(|item| text(&item))
                .filter(|line| regex.is_match(line))
                .last(),
            Err(_) => Some(text(value)).filter(|line| regex.is_match(line)),
        },
    };
    Ok(found.unwrap_or_default())
}

/// Every problem with a template source; none means it is usable.
pub fn check_template(source: &str) -> Vec<String> {
    let env = template_environment();
    match env.template_from_str(source) {
        Ok(template) => {
            let names = template.undeclared_variables(true);
            let mut problems = unknown_variables(names, "template", &env);
            problems.extend(search_patterns(source, &env));
            problems
        }
        Err(error) => vec![invalid("template", &error, source)],
    }
}

/// Every problem with a `when` expression; none means it is usable.
pub fn check_expression(source: &str) -> Vec<String> {
    let env = expression_environment();
    match env.compile_expression(source) {
        Ok(expression) => {
            let names = expression.undeclared_variables(true);
            let mut problems = unknown_variables(names, "expression", &env);
            problems.extend(search_patterns(source, &env));
            problems
        }
        Err(error) => vec![invalid("expression", &error, source)],
    }
}

fn invalid(what: &str, error: &Error, source: &str) -> String {
    let detail = error.detail().map_or_else(
        || error.kind().to_string(),
        |d| format!("{}: {d}", error.kind()),
    );
    match error.line() {
        Some(line) if source.trim_end().contains('\n') => {
            format!("invalid {what}: {detail} (line {line} of the {what})")
        }
        _ => format!("invalid {what}: {detail}"),
    }
}

/// Why each variable (dotted, as minijinja reports nested lookups) will not exist; globals such
/// as `range` exist.
fn unknown_variables(
    names: impl IntoIterator<Item = String>,
    what: &str,
    env: &Environment<'_>,
) -> Vec<String> {
    let mut names: Vec<String> = names.into_iter().collect();
    names.sort();
    let mut problems: Vec<String> = names
        .iter()
        .filter_map(|name| {
            let mut parts = name.split('.');
            let root = parts.next().unwrap_or_default();
            if root == "search" {
                return Some(format!(
                    "`search` is a filter, not a variable: write `logs | search(\"REGEX\")` in {what}"
                ));
            }
            if !ROOTS.contains(&root) {
                if env.globals().any(|(global, _)| global == root) {
                    return None;
                }
                let hint = suggest::hint(root, &ROOTS);
                return Some(format!("unknown variable `{root}` in {what} ({hint})"));
            }
            let field = parts.next()?;
            let full = format!("{root}.{field}");
            (root == "target" && !TARGET_FIELDS.contains(&full.as_str())).then(|| {
                let hint = suggest::hint(&full, &TARGET_FIELDS);
                format!("unknown variable `{full}` in {what} ({hint})")
            })
        })
        .collect();
    problems.dedup();
    problems
}

/// `| search("...")` or `| search('...')` with a literal pattern.
static SEARCH_LITERAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\|\s*search\s*\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"#)
        .expect("the pattern of `search` calls is a valid regex")
});

/// Literal regexes given to `search` that do not compile (others fail when evaluated).
fn search_patterns(source: &str, env: &Environment<'_>) -> Vec<String> {
    SEARCH_LITERAL
        .captures_iter(source)
        .filter_map(|found| {
            let literal = found.get(1)?.as_str();
            // minijinja itself reads the literal, escapes and all.
            let value = env.compile_expression(literal).ok()?.eval(()).ok()?;
            let pattern = value.as_str()?;
            let error = Regex::new(pattern).err()?;
            Some(format!(
                "invalid regex `{pattern}` for `search`: {}",
                regex_reason(&error)
            ))
        })
        .collect()
}

/// The one-line reason of a regex error (the crate's message also draws the pattern).
pub fn regex_reason(error: &regex::Error) -> String {
    let text = error.to_string();
    text.lines()
        .rev()
        .find_map(|line| line.strip_prefix("error: "))
        .map_or_else(
            || text.lines().last().unwrap_or_default().to_owned(),
            str::to_owned,
        )
}
