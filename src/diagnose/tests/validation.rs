//! Every validation problem, with its exact message and line:column (the file is
//! `diagnoses/t.yaml`; `HEAD` is lines 1-2, so `match` starts on line 3).

use super::*;

const HEAD: &str = "name: t\ndescription: d\n";
const TAIL: &str = "cause: c\nconfidence: low\n";

fn check(case: &str, text: &str, expected: &[&str]) {
    let found = problems(text);
    let expected: Vec<String> = expected
        .iter()
        .map(|line| format!("{FILE}:{line}"))
        .collect();
    assert_eq!(found, expected, "case `{case}`:\n{text}");
}

#[test]
fn required_fields_names_and_empty_values() {
    check(
        "empty file",
        "",
        &[
            "1:1: missing field `name` at the top level",
            "1:1: missing field `description` at the top level",
            "1:1: missing field `match` at the top level",
            "1:1: missing field `cause` at the top level",
            "1:1: missing field `confidence` at the top level",
        ],
    );
    check(
        "name, blanks and confidence",
        "name: other\ndescription: ' '\nmatch: {kind: []}\ncause: ''\nconfidence: hihg\nevidence: ['']\n",
        &[
            "1:7: rule `other` must be named after its file (expected `name: t`)",
            "2:14: `description` must not be empty",
            "3:15: `match.kind` must list at least one finding kind",
            "4:8: `cause` must not be empty",
            "5:13: unknown value `hihg` for `confidence` (did you mean `high`?)",
            "6:12: `evidence[0]` must not be empty",
        ],
    );
    check(
        "invalid name",
        "name: -t\ndescription: d\nmatch: {kind: unit_failed}\ncause: c\nconfidence: low\n",
        &[
            "1:7: invalid rule name `-t`: use letters, digits, `.`, `_` and `-`, not starting with `.` or `-`",
            "1:7: rule `-t` must be named after its file (expected `name: t`)",
        ],
    );
    check(
        "unknown keys",
        &format!("{HEAD}match:\n  kind: container_stopped\n  fact: {{a: b}}\n{TAIL}playbok: x\n"),
        &[
            "5:3: unknown key `fact` in `match` (did you mean `facts`?)",
            "8:1: unknown key `playbok` at the top level (did you mean `playbook`?)",
        ],
    );
    check(
        "duplicate key",
        &format!("{HEAD}match: {{kind: unit_failed}}\n{TAIL}cause: again\n"),
        &["6:1: duplicate key `cause` (first defined at line 4)"],
    );
}

#[test]
fn finding_kinds() {
    check(
        "one, misspelt",
        &format!("{HEAD}match: {{kind: container_stoped}}\n{TAIL}"),
        &[
            "3:15: unknown value `container_stoped` for `match.kind` (did you mean `container_stopped`?)",
        ],
    );
    check(
        "a list with an unknown name and a mapping",
        &format!("{HEAD}match:\n  kind: [unit_failed, nonsense, {{a: b}}]\n{TAIL}"),
        &[
            "4:23: unknown value `nonsense` for `match.kind[1]` (expected one of: host_unreachable, host_key_rejected, container_stopped, container_unhealthy, container_missing, unit_failed, unit_missing, check_failing, disk_above_threshold, probe_failed, file_drift, disk_filling_up, swap_rising, memory_low, restarts_frequent, latency_degraded, certificate_expiring)",
            "4:33: expected a finding kind for `match.kind[2]`, found a mapping",
        ],
    );
    check(
        "neither",
        &format!("{HEAD}match: {{kind: 5}}\n{TAIL}"),
        &["3:15: expected a finding kind or a list of them for `match.kind`, found a number"],
    );
    check(
        "nested list",
        &format!("{HEAD}match: {{kind: [[unit_failed]]}}\n{TAIL}"),
        &["3:16: expected a finding kind for `match.kind[0]`, found a sequence"],
    );
    check(
        "missing",
        &format!("{HEAD}match: {{facts: {{state: exited}}}}\n{TAIL}"),
        &["3:8: missing field `kind` in `match`"],
    );
}

#[test]
fn facts_logs_and_when() {
    check(
        "target facts, regex, expression",
        &format!(
            "{HEAD}match:\n  kind: check_failing\n  facts: {{target.nam: x, status: '502'}}\n  logs: '(unclosed'\n  when: 'facts.status =='\n{TAIL}"
        ),
        &[
            "5:23: unknown target fact `target.nam` (did you mean `target.name`?)",
            "6:9: invalid regex `(unclosed` for `match.logs`: unclosed group",
            "7:9: invalid expression: syntax error: unexpected end of input, expected expression",
        ],
    );
    check(
        "empty",
        &format!("{HEAD}match:\n  kind: check_failing\n  logs: ''\n  when: ' '\n{TAIL}"),
        &[
            "5:9: `match.logs` must not be empty",
            "6:9: `match.when` must not be empty",
        ],
    );
    check(
        "variables of the expression",
        &format!(
            "{HEAD}match:\n  kind: check_failing\n  when: search(logs, 'x') or params.x or target.nme or contxt.a\n{TAIL}"
        ),
        &[
            "5:9: unknown variable `contxt` in expression (did you mean `context`?)",
            "5:9: unknown variable `params` in expression (expected one of: target, facts, context, logs, repeated_error)",
            "5:9: `search` is a filter, not a variable: write `logs | search(\"REGEX\")` in expression",
            "5:9: unknown variable `target.nme` in expression (did you mean `target.name`?)",
        ],
    );
}

#[test]
fn templates_parse_and_name_only_existing_variables() {
    let good = "{{ target.name }} {{ target.host }} {{ target.key }} {{ target.kind }} \
                {{ facts.anything }} {{ context.a.b }} {{ logs | length }} {{ repeated_error }} \
                {% for i in range(2) %}{{ loop.index }}{{ i }}{% endfor %} {% set x = 1 %}{{ x }} \
                {{ logs | search('(?i)error') }}";
    let text = format!(
        "{HEAD}match: {{kind: check_failing}}\ncause: \"{good}\"\nconfidence: low\nevidence:\n  - '{{{{ taget.name }}}} {{{{ target.nme }}}} {{{{ contxt.x }}}}'\n  - '{{{{ x'\n  - \"{{{{ logs | search('(') }}}}\"\n  - |\n    a\n    {{% if x %}}\n"
    );
    check(
        "templates",
        &text,
        &[
            "7:5: unknown variable `contxt` in template (did you mean `context`?)",
            "7:5: unknown variable `taget` in template (did you mean `target`?)",
            "7:5: unknown variable `target.nme` in template (did you mean `target.name`?)",
            "8:5: invalid template: syntax error: unexpected end of input, expected end of variable block",
            "9:5: invalid regex `(` for `search`: unclosed group",
            "11:5: invalid template: syntax error: unexpected end of input, expected end of block (line 2 of the template)",
        ],
    );
}

#[test]
fn playbook_and_params() {
    check(
        "params without a playbook",
        &format!(
            "{HEAD}match: {{kind: check_failing}}\n{TAIL}params:\n  file: '{{{{ nope }}}}'\n  bad-name: x\n"
        ),
        &[
            "7:9: `params` are passed to a `playbook`, but this rule names none",
            "7:9: unknown variable `nope` in template (expected one of: target, facts, context, logs, repeated_error)",
            "8:13: invalid parameter name `bad-name`: use letters, digits and `_`, not starting with a digit",
        ],
    );
    check(
        "invalid playbook name",
        &format!("{HEAD}match: {{kind: check_failing}}\n{TAIL}playbook: ../x\n"),
        &[
            "6:11: invalid playbook name `../x`: use letters, digits, `.`, `_` and `-`, not starting with `.` or `-`",
        ],
    );
}

#[test]
fn a_valid_rule_becomes_the_model() {
    let rule = parse_ok(
        "name: t\ndescription: d\nmatch:\n  kind: [container_stopped, unit_failed, container_stopped]\n  facts: {exit_code: 137, target.host: nas}\n  logs: '(?i)killed'\n  when: facts.oom_killed\ncause: c\nevidence: [e1, e2]\nconfidence: high\nplaybook: restart-container\nparams: {grace: '10'}\n",
    );
    assert_eq!(rule.name, "t");
    assert_eq!(
        rule.conditions.kinds,
        [FindingKind::ContainerStopped, FindingKind::UnitFailed]
    );
    assert_eq!(
        rule.conditions.facts,
        map(&[("exit_code", "137"), ("target.host", "nas")])
    );
    assert_eq!(
        rule.conditions.logs.as_ref().map(LogPattern::as_str),
        Some("(?i)killed")
    );
    assert_eq!(rule.conditions.when.as_deref(), Some("facts.oom_killed"));
    assert_eq!(rule.conditions.count(), 4);
    assert_eq!(rule.evidence, ["e1", "e2"]);
    assert_eq!(rule.confidence, Confidence::High);
    assert_eq!(rule.playbook.as_deref(), Some("restart-container"));
    assert_eq!(rule.params, map(&[("grace", "10")]));
    let at = |l: &crate::config::yaml::Location| (l.line, l.column);
    assert_eq!(at(&rule.locations.rule), (1, 1));
    assert_eq!(rule.locations.playbook.as_ref().map(at), Some((11, 11)));
    assert_eq!(rule.locations.params.get("grace").map(at), Some((12, 17)));
}
