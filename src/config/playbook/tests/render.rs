//! `act::render` over playbooks parsed from YAML: strict undefined variables, parameters,
//! quoting of every value in `run` commands, literal values in `edit` replacements, and what
//! `describe` shows.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::act::render::{RenderContext, RenderError, RenderedStep, render};
use crate::analyze::Target;

fn ctx(container: &str) -> RenderContext {
    RenderContext {
        target: Target::Container {
            host: "nas".into(),
            name: container.into(),
        },
        host_name: Some("nas".into()),
        host_address: Some("10.0.0.5".into()),
        incident_id: 42,
        incident_kind: "container_stopped".into(),
        incident_summary: "container stopped".into(),
        facts: [("image".to_string(), "postgres:16".to_string())].into(),
        params: BTreeMap::new(),
    }
}

fn playbook(params: &str, steps: &str) -> Playbook {
    let text = format!(
        "name: t\ndescription: d\nrisk: medium\ntriggers: [{{kind: container_stopped}}]\n{params}steps:\n{steps}"
    );
    parse_ok(&text)
}

fn steps(playbook: &Playbook, ctx: &RenderContext) -> Vec<RenderedStep> {
    match render(playbook, ctx) {
        Ok(rendered) => rendered.steps,
        Err(e) => panic!("render failed: {e}"),
    }
}

fn error(playbook: &Playbook, ctx: &RenderContext) -> String {
    match render(playbook, ctx) {
        Err(e) => e.to_string(),
        Ok(r) => panic!("expected an error, got {r:?}"),
    }
}

const HOSTILE: &str = "x; touch /tmp/pwned";

#[test]
fn values_in_commands_are_shell_quoted() {
    let p = playbook(
        "",
        "  - container: restart\n  - run: echo {{ target.name }}\n  - run: \"docker logs -- {{ target.name | upper }} {{ incident.id }} {{ facts.image }}\"\n  - service: {action: reload, unit: \"{{ target.name }}\"}\n",
    );
    let rendered = steps(&p, &ctx(HOSTILE));
    let shown: Vec<String> = rendered.iter().map(RenderedStep::describe).collect();
    assert_eq!(
        shown,
        [
            "docker restart -- 'x; touch /tmp/pwned'",
            "echo 'x; touch /tmp/pwned'",
            "docker logs -- 'X; TOUCH /TMP/PWNED' 42 postgres:16",
            "systemctl reload -- 'x; touch /tmp/pwned'",
        ]
    );
    // Plain fields stay plain: the shell builders quote them.
    assert_eq!(
        rendered[0],
        RenderedStep::Container {
            action: ContainerAction::Restart,
            name: HOSTILE.into()
        }
    );
    let safe = steps(&p, &ctx("calibre"));
    assert_eq!(safe[0].describe(), "docker restart -- calibre");
    assert_eq!(safe[1].describe(), "echo calibre");
    assert_eq!(safe[1].host_command(), Some(Ok("echo calibre".to_string())));
}

#[test]
fn a_rendered_command_runs_with_the_value_as_one_word() {
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("pwned");
    let name = format!(
        "a'b\"c $(touch {m}) `touch {m}`; touch {m}\n",
        m = marker.display()
    );
    let p = playbook("", "  - run: printf '%s' {{ target.name }}\n");
    let RenderedStep::Run { script, .. } = &steps(&p, &ctx(&name))[0] else {
        panic!("not a run step");
    };
    let out = std::process::Command::new("/bin/sh")
        .args(["-c", script])
        .output()
        .expect("sh");
    assert_eq!(String::from_utf8_lossy(&out.stdout), name);
    assert!(!marker.exists());
}

#[test]
fn undefined_variables_are_errors() {
    let cases = [
        (
            "  - run: echo {{ facts.nope }}\n",
            "`steps[0].run.command` uses `facts.nope`, which is not defined for this incident",
        ),
        (
            "  - container: {action: stop, name: \"{{ facts.nope }}\"}\n",
            "`steps[0].container.name` uses `facts.nope`, which is not defined for this incident",
        ),
        (
            "  - wait: 1s\n  - http: {url: \"http://{{ host.address }}:{{ facts.port }}/\"}\n",
            "`steps[1].http.url` uses `facts.port`, which is not defined for this incident",
        ),
        (
            "  - run: \"{% if facts.nope %}x{% endif %}\"\n",
            "`steps[0].run.command` uses `facts.nope`, which is not defined for this incident",
        ),
    ];
    for (steps, expected) in cases {
        assert_eq!(
            error(&playbook("", steps), &ctx("app")),
            expected,
            "{steps}"
        );
    }
    let p = playbook("", "  - run: echo {{ host.address }}\n");
    let mut no_address = ctx("app");
    no_address.host_address = None;
    assert_eq!(
        error(&p, &no_address),
        "`steps[0].run.command` uses `host.address`, which is not defined for this incident"
    );
    // `is defined` is how a template asks.
    let p = playbook(
        "",
        "  - run: \"echo {% if facts.nope is defined %}yes{% else %}no{% endif %}\"\n",
    );
    assert_eq!(steps(&p, &ctx("app"))[0].describe(), "echo no");
}

#[test]
fn parameters() {
    let p = playbook(
        "params:\n  upstream: \"{{ host.address }}:8080\"\n  dir: null\n",
        "  - run: \"echo {{ params.upstream }} {{ params.dir }}\"\n",
    );
    let mut with_dir = ctx("app");
    with_dir
        .params
        .insert("dir".into(), "{{ target.name }} $HOME".into());
    let rendered = render(&p, &with_dir).expect("render");
    assert_eq!(
        rendered.params,
        [
            ("dir".to_string(), "{{ target.name }} $HOME".to_string()),
            ("upstream".to_string(), "10.0.0.5:8080".to_string()),
        ]
        .into()
    );
    // A supplied value is data: never rendered as a template, and quoted in commands.
    assert_eq!(
        rendered.steps[0].describe(),
        "echo 10.0.0.5:8080 '{{ target.name }} $HOME'"
    );
    with_dir
        .params
        .insert("upstream".into(), "elsewhere:1".into());
    assert_eq!(
        render(&p, &with_dir).expect("render").params["upstream"],
        "elsewhere:1"
    );
    assert_eq!(
        error(&p, &ctx("app")),
        "parameter `dir` is required but has no value"
    );
    let mut unknown = with_dir.clone();
    unknown.params.insert("nope".into(), "x".into());
    assert_eq!(
        error(&p, &unknown),
        "parameter `nope` is not declared by the playbook"
    );
    let p = playbook(
        "params:\n  port: \"{{ facts.port }}\"\n",
        "  - run: echo {{ params.port }}\n",
    );
    assert_eq!(
        error(&p, &ctx("app")),
        "`params.port` uses `facts.port`, which is not defined for this incident"
    );
}

#[test]
fn edit_replacements_take_values_literally() {
    let p = playbook(
        "params:\n  upstream: null\n",
        "  - edit: {path: /etc/nginx/conf.d/books.conf, pattern: \"proxy_pass (https?)://[^;]+;\", replacement: \"proxy_pass $1://{{ params.upstream }};\"}\n",
    );
    let mut c = ctx("app");
    c.params.insert("upstream".into(), "10.0.0.7:8$1".into());
    let step = steps(&p, &c).remove(0);
    let RenderedStep::Edit {
        pattern,
        replacement,
        ..
    } = &step
    else {
        panic!("not an edit: {step:?}");
    };
    assert_eq!(replacement, "proxy_pass $1://10.0.0.7:8$$1;");
    let regex = regex::Regex::new(pattern).expect("regex");
    let edited = regex.replace_all("proxy_pass http://127.0.0.1:9;", replacement.as_str());
    assert_eq!(edited, "proxy_pass http://10.0.0.7:8$1;");
}

#[test]
fn paths_names_and_urls_are_checked() {
    let cases = [
        (
            "  - backup: etc/x\n",
            "`steps[0].backup` renders to `etc/x`, which is not an absolute path",
        ),
        (
            "  - backup: /etc/../root/x\n",
            "`steps[0].backup` renders to `/etc/../root/x`, which contains `..`",
        ),
        (
            "  - write: {path: /etc/app/, content: x}\n",
            "`steps[0].write.path` renders to `/etc/app/`, which is a directory, not a file",
        ),
        (
            "  - container: {action: stop, name: \"{{ facts.empty }}\"}\n",
            "`steps[0].container.name` renders to an empty value",
        ),
        (
            "  - http: {url: \"ftp://{{ host.address }}/\"}\n",
            "`steps[0].http.url` renders to `ftp://10.0.0.5/`, which is not an http or https URL",
        ),
        (
            "  - write: {path: \"/etc/{{ facts.nul }}\", content: x}\n",
            "`steps[0].write.path` renders to a value containing a NUL byte",
        ),
        (
            "  - run: echo {{ facts.nul }}\n",
            "cannot render `steps[0].run.command`: invalid operation: cannot pass a value containing a NUL byte to the shell",
        ),
    ];
    let mut c = ctx("app");
    c.facts.insert("empty".into(), " ".into());
    c.facts.insert("nul".into(), "a\0b".into());
    for (steps, expected) in cases {
        assert_eq!(error(&playbook("", steps), &c), expected, "{steps}");
    }
}

#[test]
fn every_kind_renders_and_describes() {
    let p = playbook(
        "",
        "  - backup: /etc/app.conf\n  - write: {path: /etc/app.conf, content: \"name={{ target.name }}\\n\"}\n  - http: {url: \"http://{{ host.address }}/\", expect_status: 204, timeout: 5s}\n  - wait: 1m 30s\n",
    );
    let rendered = render(&p, &ctx("app")).expect("render");
    assert_eq!(
        rendered.steps,
        [
            RenderedStep::Backup {
                path: "/etc/app.conf".into()
            },
            RenderedStep::Write {
                path: "/etc/app.conf".into(),
                content: "name=app\n".into()
            },
            RenderedStep::Http {
                url: "http://10.0.0.5/".into(),
                expect_status: 204,
                timeout: Duration::from_secs(5),
            },
            RenderedStep::Wait {
                duration: Duration::from_secs(90)
            },
        ]
    );
    let shown: Vec<String> = rendered.steps.iter().map(RenderedStep::describe).collect();
    assert_eq!(
        shown,
        [
            "back up /etc/app.conf",
            "write 9 bytes to /etc/app.conf",
            "GET http://10.0.0.5/, expect 204 within 5s",
            "wait 1m 30s",
        ]
    );
    assert!(rendered.steps.iter().all(|s| s.host_command().is_none()));
    let edit = RenderedStep::Edit {
        path: "/etc/a b".into(),
        pattern: "x+".into(),
        replacement: "y".into(),
    };
    assert_eq!(edit.describe(), "edit '/etc/a b': replace /x+/ with y");
}

#[test]
fn targets_give_their_fields() {
    let p = playbook(
        "",
        "  - run: \"echo {{ target.kind }} {{ target.host }} {{ target.name }} {{ target.key }}\"\n",
    );
    let mut c = ctx("app");
    c.target = Target::Disk {
        host: "nas".into(),
        mount: "/srv/data".into(),
    };
    assert_eq!(
        steps(&p, &c)[0].describe(),
        "echo disk nas /srv/data nas/disk//srv/data"
    );
    c.target = Target::Check {
        name: "books".into(),
    };
    assert_eq!(
        error(&p, &c),
        "`steps[0].run.command` uses `target.host`, which is not defined for this incident"
    );
    assert_eq!(
        RenderError::MissingParam("x".into()).to_string(),
        "parameter `x` is required but has no value"
    );
}
