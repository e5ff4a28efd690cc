//! Every validation problem, with its exact message and line:column (the file is
//! `playbooks/t.yaml`; `HEAD` is lines 1-3, `TRIGGER` line 4, so steps start on line 6).

use super::*;

const TRIGGER: &str = "triggers: [{kind: container_stopped}]\n";

fn check(case: &str, text: &str, expected: &[&str]) {
    let found = problems(text);
    let expected: Vec<String> = expected
        .iter()
        .map(|line| format!("{FILE}:{line}"))
        .collect();
    assert_eq!(found, expected, "case `{case}`:\n{text}");
}

#[test]
fn unknown_keys_and_step_kinds() {
    let text =
        format!("{HEAD}{TRIGGER}steps:\n  - contaner: restart\n  - restart: x\nrisks: low\n");
    check(
        "unknown keys",
        &text,
        &[
            "6:5: unknown step kind `contaner` in `steps[0]` (did you mean `container`?)",
            "7:5: unknown step kind `restart` in `steps[1]` (expected one of: run, container, service, backup, write, edit, http, wait)",
            "8:1: unknown key `risks` at the top level (did you mean `risk`?)",
        ],
    );
    let text = format!(
        "{HEAD}{TRIGGER}steps:\n  - container: {{action: restart, nme: x}}\n  - write: {{path: /x, contents: y, content: z}}\n"
    );
    check(
        "unknown keys in steps",
        &text,
        &[
            "6:34: unknown key `nme` in `steps[0].container` (did you mean `name`?)",
            "7:5: changing files is at least medium risk; set `risk: medium` or higher",
            "7:23: unknown key `contents` in `steps[1].write` (did you mean `content`?)",
        ],
    );
}

#[test]
fn one_kind_per_step() {
    let text = format!("{HEAD}{TRIGGER}steps:\n  - {{run: a, wait: 1s}}\n  - {{}}\n");
    check(
        "kinds",
        &text,
        &[
            "6:14: a step has exactly one kind, but `steps[0]` has `run` and `wait`; write each as its own list item",
            "7:5: `steps[1]` needs a step kind (one of: run, container, service, backup, write, edit, http, wait)",
        ],
    );
}

#[test]
fn required_fields_and_the_name() {
    check(
        "empty file",
        "",
        &[
            "1:1: missing field `name` at the top level",
            "1:1: missing field `description` at the top level",
            "1:1: missing field `risk` at the top level",
            "1:1: missing field `triggers` at the top level",
            "1:1: missing field `steps` at the top level",
        ],
    );
    let text = "name: other\ndescription: ' '\nrisk: low\ntriggers: []\nsteps: []\n";
    check(
        "name and empty lists",
        text,
        &[
            "1:7: playbook `other` must be named after its file (expected `name: t`)",
            "2:14: `description` must not be empty",
            "4:11: `triggers` must list at least one finding kind",
            "5:8: `steps` must list at least one step",
        ],
    );
    let text = format!("{HEAD}{TRIGGER}steps: [{{wait: 1s}}]\ndescription: again\n");
    check(
        "duplicate key",
        &text,
        &["6:1: duplicate key `description` (first defined at line 2)"],
    );
    check(
        "syntax",
        "name: t\ntriggers: [{kind: container_stopped}\n",
        &["3:1: invalid yaml: while parsing a flow sequence, expected ',' or ']'"],
    );
}

#[test]
fn risk_and_triggers() {
    let text = "name: t\ndescription: d\nrisk: lo\ntriggers:\n  - kind: container_stoped\n  - kind: nonsense\n  - facts: {image: x}\n  - kind: unit_failed\n    facts: {target.nam: x}\nsteps: [{wait: 1s}]\n";
    check(
        "risk and triggers",
        text,
        &[
            "3:7: unknown value `lo` for `risk` (did you mean `low`?)",
            "5:11: unknown value `container_stoped` for `triggers[0].kind` (did you mean `container_stopped`?)",
            "6:11: unknown value `nonsense` for `triggers[1].kind` (expected one of: host_unreachable, host_key_rejected, container_stopped, container_unhealthy, container_missing, unit_failed, unit_missing, check_failing, disk_above_threshold, probe_failed, file_drift, disk_filling_up, swap_rising, memory_low, restarts_frequent, latency_degraded, certificate_expiring)",
            "7:5: missing field `kind` in `triggers[2]`",
            "9:25: unknown target fact `target.nam` (did you mean `target.name`?)",
        ],
    );
}

#[test]
fn durations_statuses_and_regexes() {
    let text = format!(
        "{HEAD}{TRIGGER}steps:\n  - wait: 5x\n  - wait: 0s\n  - run: {{command: a, timeout: soon}}\n  - http: {{url: http://x, timeout: -1s}}\n  - http: {{url: http://x, expect_status: 700}}\n  - http: {{url: http://x, expect_status: 70000}}\n  - http: {{expect_status: abc}}\nverify:\n  timeout: 0\n"
    );
    check(
        "durations and statuses",
        &text,
        &[
            "6:11: `steps[0].wait`: invalid duration `5x` (unknown time unit \"x\", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)); write e.g. `5s`, `2m` or `1h 30m`",
            "7:11: `steps[1].wait` must be longer than zero",
            "8:32: `steps[2].run.timeout`: invalid duration `soon` (expected number at 0); write e.g. `5s`, `2m` or `1h 30m`",
            "9:36: `steps[3].http.timeout`: invalid duration `-1s` (expected number at 0); write e.g. `5s`, `2m` or `1h 30m`",
            "10:42: `expect_status` must be an HTTP status from 100 to 599, found 700",
            "11:42: `expect_status` must be an HTTP status from 100 to 599, found 70000",
            "12:11: missing field `url` in `steps[6].http`",
            "12:27: `expect_status` must be an HTTP status from 100 to 599, found abc",
            "14:12: `verify.timeout` must be longer than zero",
        ],
    );
    let text = "name: t\ndescription: d\nrisk: medium\ntriggers: [{kind: container_stopped}]\nsteps:\n  - edit: {path: /x, pattern: 'proxy_pass (http', replacement: y}\n  - edit: {path: /x}\n";
    check(
        "regex",
        text,
        &[
            "6:31: invalid regex `proxy_pass (http` for `steps[0].edit.pattern`: unclosed group",
            "7:11: missing field `pattern` in `steps[1].edit`",
            "7:11: missing field `replacement` in `steps[1].edit`",
        ],
    );
}

#[test]
fn verify_takes_only_run_http_and_wait() {
    let text = format!(
        "{HEAD}{TRIGGER}steps: [{{container: restart}}]\nverify:\n  steps:\n    - container: restart\n    - backup: /x\n    - http: {{url: http://x}}\n    - run: 'true'\n    - wait: 1s\n"
    );
    check(
        "verify",
        &text,
        &[
            "8:7: `verify.steps` can only use `run`, `http` and `wait`, not `container`",
            "9:7: `verify.steps` can only use `run`, `http` and `wait`, not `backup`",
        ],
    );
}

#[test]
fn changing_files_is_at_least_medium_risk() {
    let text = format!(
        "{HEAD}{TRIGGER}steps:\n  - write: {{path: /x, content: y}}\n  - edit: {{path: /x, pattern: a, replacement: b}}\nrollback:\n  - write: {{path: /x}}\n"
    );
    check(
        "low risk",
        &text,
        &[
            "6:5: changing files is at least medium risk; set `risk: medium` or higher",
            "7:5: changing files is at least medium risk; set `risk: medium` or higher",
            "9:5: changing files is at least medium risk; set `risk: medium` or higher",
            "9:12: missing field `content` in `rollback[0].write`",
        ],
    );
    for risk in ["medium", "high", "blocked"] {
        let text = text.replace("risk: low", &format!("risk: {risk}"));
        let text = text.replace("{path: /x}\n", "{path: /x, content: ''}\n");
        parse_ok(&text);
    }
}

#[test]
fn templates_parse_and_name_only_existing_variables() {
    let text = format!(
        "{HEAD}{TRIGGER}params:\n  dir: null\n  bad-name: x\n  grace: \"{{{{ params.dir }}}}\"\nsteps:\n  - run: echo {{{{ params.undeclared }}}}\n  - run: \"echo {{{{ target.nme }}}} {{{{ taget }}}}\"\n  - backup: \"{{{{ params.dir \"\n  - run: |\n      a\n      {{% if x %}}\n"
    );
    check(
        "templates",
        &text,
        &[
            "7:13: invalid parameter name `bad-name`: use letters, digits and `_`, not starting with a digit",
            "8:10: a parameter default cannot use `params` (found `params.dir`)",
            "10:10: unknown parameter `params.undeclared` (expected one of: bad-name, dir, grace)",
            "11:10: unknown variable `taget` in template (did you mean `target`?)",
            "11:10: unknown variable `target.nme` in template (did you mean `target.name`?)",
            "12:13: invalid template: syntax error: unexpected end of input, expected end of variable block",
            "14:7: invalid template: syntax error: unexpected end of input, expected end of block (line 2 of the template)",
        ],
    );
    let text = format!(
        "{HEAD}{TRIGGER}steps:\n  - container: {{action: stop, name: \"{{{{ params.nme }}}}\"}}\n"
    );
    check(
        "no params",
        &text,
        &["6:37: unknown parameter `params.nme` (this playbook declares no `params`)"],
    );
}

#[test]
fn container_service_and_run_forms() {
    let text = format!(
        "{HEAD}{TRIGGER}steps:\n  - container: {{name: x}}\n  - container: restat\n  - service: {{action: relaod, unit: x}}\n  - run: {{timeout: 1s}}\n  - run:\n  - run: [a]\n  - run: \"  \"\n"
    );
    check(
        "forms",
        &text,
        &[
            "6:16: missing field `action` in `steps[0].container`",
            "7:16: unknown container action `restat` (did you mean `restart`?)",
            "8:23: unknown service action `relaod` (did you mean `reload`?)",
            "9:10: missing field `command` in `steps[3].run`",
            "10:8: expected a command or a mapping with `command` and `timeout` for `steps[4].run`, found null",
            "11:10: expected a command or a mapping with `command` and `timeout` for `steps[5].run`, found a sequence",
            "12:10: `steps[6].run` needs a command",
        ],
    );
}

#[test]
fn short_forms_need_a_target_of_their_kind() {
    let text = format!(
        "{HEAD}{TRIGGER}steps:\n  - service: restart\n  - container: restart\n  - service: {{action: restart, unit: nginx}}\n"
    );
    check(
        "short form",
        &text,
        &[
            "6:14: `service: restart` acts on the incident's target, but trigger `container_stopped` is about a container, not a unit; name it: `service: {action: restart, unit: ...}`",
        ],
    );
    let text = "name: t\ndescription: d\nrisk: low\ntriggers: [{kind: unit_failed}, {kind: disk_above_threshold}]\nsteps: [{container: start}, {container: {action: stop}}]\n";
    check(
        "short container",
        text,
        &[
            "5:21: `container: start` acts on the incident's target, but trigger `unit_failed` is about a unit, not a container; name it: `container: {action: start, name: ...}`",
            "5:41: `container: stop` acts on the incident's target, but trigger `unit_failed` is about a unit, not a container; name it: `container: {action: stop, name: ...}`",
        ],
    );
}

#[test]
fn names_are_unique_across_files() {
    let repo = tempfile::tempdir().expect("tempdir");
    let dir = repo.path().join("playbooks");
    std::fs::create_dir(&dir).expect("mkdir");
    let body = format!("{TRIGGER}description: d\nrisk: low\nsteps: [{{container: restart}}]\n");
    std::fs::write(dir.join("x.yaml"), format!("name: x\n{body}")).expect("write");
    std::fs::write(dir.join("x.yml"), format!("name: x\n{body}")).expect("write");
    std::fs::write(dir.join("y.yml"), format!("name: z\n{body}")).expect("write");
    std::fs::write(dir.join("notes.txt"), "not a playbook").expect("write");
    let problems: Vec<String> = match load(repo.path()) {
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
        Ok(found) => panic!("expected problems, got {found:?}"),
    };
    let shown = |name: &str| dir.join(name).display().to_string();
    assert_eq!(
        problems,
        [
            format!(
                "{}:1:1: playbook `x` is already defined at {}:1:1",
                shown("x.yml"),
                shown("x.yaml")
            ),
            format!(
                "{}:1:7: playbook `z` must be named after its file (expected `name: y`)",
                shown("y.yml")
            ),
        ]
    );
}

#[test]
fn no_playbooks_folder_means_no_playbooks() {
    let repo = tempfile::tempdir().expect("tempdir");
    assert_eq!(load(repo.path()), Ok(Vec::new()));
}

#[test]
fn trigger_globs_have_no_character_classes() {
    let text = format!(
        "{HEAD}triggers: [{{kind: check_failing, facts: {{status: \"50[24]\"}}}}]\nsteps: [{{wait: 1s}}]\n"
    );
    check(
        "brackets",
        &text,
        &[
            "4:50: `50[24]` for fact `status`: conditions are globs with only `*` and `?` (no `[...]`)",
        ],
    );
}
