//! Script text and shell quoting.

use super::super::{ProbeSpec, new_nonce, script, sh_quote};
use super::support::{run, shells};

#[test]
fn quoting_round_trips_through_every_shell() {
    let nasty = [
        "",
        "plain.service",
        "x'; touch /tmp/medic-pwned; '",
        "$(id) `id` ${HOME} $HOME \\ \\\\ \" ' ''",
        "-p --help *.service ? [a]",
        "line\nbreak\ttab",
        "ünïcødé ✓",
    ];
    for shell in shells() {
        for word in nasty {
            let (out, _) = run(&shell, &format!("printf '%s' {}", sh_quote(word)), None);
            assert_eq!(out, word, "{shell:?}");
        }
    }
    assert_eq!(sh_quote("a\0b"), "'ab'");
}

#[test]
fn script_shape() {
    let spec = ProbeSpec {
        containers: false,
        units: vec![],
        section_timeout_secs: 0,
    };
    let text = script(&spec, "n0nce");
    assert!(text.contains("M=@@medic-'n0nce'\nT=1\n"));
    assert!(text.contains("m_skip containers") && text.contains("m_skip units"));
    assert!(!text.contains("docker") && !text.contains("systemctl"));
    assert!(text.contains("export LC_ALL=C"));
    for bashism in [
        "[[",
        "local ",
        "function ",
        "$'",
        "<(",
        "pipefail",
        "jq",
        "python",
    ] {
        assert!(!text.contains(bashism), "{bashism}");
    }
    let spec = ProbeSpec {
        containers: true,
        units: vec!["a b".into()],
        section_timeout_secs: 7,
    };
    let text = script(&spec, "n");
    assert!(text.contains("T=7\n"));
    assert!(text.contains("docker ps -a --no-trunc --size=false --format '{{json .}}'"));
    assert!(text.contains("-- 'a b'\n"));
}

#[test]
fn nonces_differ() {
    let a = new_nonce();
    assert_eq!(a.len(), 32);
    assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(a, new_nonce());
}
