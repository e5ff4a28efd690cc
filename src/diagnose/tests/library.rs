//! Loading the `diagnoses/` folder (missing, sorted, duplicates, other files) and checking the
//! rules' fixes against the playbook library.

use std::path::Path;

use super::*;
use crate::config::playbook;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn minimal(name: &str) -> String {
    format!(
        "name: {name}\ndescription: d\nmatch: {{kind: unit_failed}}\ncause: c\nconfidence: low\n"
    )
}

#[test]
fn loading_the_folder() {
    let repo = tempfile::tempdir().unwrap();
    assert_eq!(load(repo.path()), Ok(vec![]), "no folder, no rules");

    let dir = diagnoses_dir(repo.path());
    std::fs::create_dir(&dir).unwrap();
    std::fs::create_dir(dir.join("old.yaml")).unwrap();
    write(&dir, "b.yml", &minimal("b"));
    write(&dir, "a.yaml", &minimal("a"));
    write(&dir, "README.md", "# not a rule");
    let names: Vec<String> = load(repo.path())
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["a", "b"]);

    write(&dir, "a.yml", &minimal("a"));
    write(&dir, "c.yaml", "name: c\n");
    let shown = |file: &str| dir.join(file).display().to_string();
    let problems: Vec<String> = load(repo.path())
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            format!(
                "{}:1:1: rule `a` is already defined at {}:1:1",
                shown("a.yml"),
                shown("a.yaml")
            ),
            format!(
                "{}:1:1: missing field `description` at the top level",
                shown("c.yaml")
            ),
            format!(
                "{}:1:1: missing field `match` at the top level",
                shown("c.yaml")
            ),
            format!(
                "{}:1:1: missing field `cause` at the top level",
                shown("c.yaml")
            ),
            format!(
                "{}:1:1: missing field `confidence` at the top level",
                shown("c.yaml")
            ),
        ]
    );
}

#[test]
fn fixes_must_fit_the_playbooks() {
    let playbook = |name: &str, params: &str| {
        let text = format!(
            "name: {name}\ndescription: d\nrisk: medium\ntriggers: [{{kind: check_failing}}]\n{params}steps: [{{run: 'true'}}]\n"
        );
        playbook::parse(&text, &format!("playbooks/{name}.yaml")).unwrap()
    };
    let library = [
        playbook(
            "fix-proxy-upstream",
            "params: {file: null, upstream: null, reload: 'nginx -s reload'}\n",
        ),
        playbook("restart-container", ""),
    ];
    let fix = |name: &str, playbook: &str, params: &str| {
        let text = format!(
            "name: {name}\ndescription: d\nmatch: {{kind: check_failing}}\ncause: c\nconfidence: low\nplaybook: {playbook}\n{params}"
        );
        parse_named(&text, &format!("diagnoses/{name}.yaml"))
    };
    let rules = [
        fix(
            "good",
            "fix-proxy-upstream",
            "params: {file: f, upstream: u}\n",
        ),
        fix("typo", "fix-proxy-upstrem", ""),
        fix(
            "missing",
            "fix-proxy-upstream",
            "params:\n  file: f\n  upstraem: u\n",
        ),
        fix("none", "restart-container", "params: {grace: '5'}\n"),
        parse_named(&minimal("no-fix"), "diagnoses/no-fix.yaml"),
    ];
    let problems: Vec<String> = check_playbooks(&rules, &library)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "diagnoses/typo.yaml:6:11: unknown playbook `fix-proxy-upstrem` (did you mean `fix-proxy-upstream`?)",
            "diagnoses/missing.yaml:9:13: playbook `fix-proxy-upstream` has no parameter `upstraem` (did you mean `upstream`?)",
            "diagnoses/missing.yaml:6:11: playbook `fix-proxy-upstream` requires parameter `upstream`; give it under `params`",
            "diagnoses/none.yaml:7:17: playbook `restart-container` has no parameter `grace` (playbook `restart-container` declares no `params`)",
        ]
    );
}
