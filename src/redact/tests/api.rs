//! The `Redactor` API's promises: borrowing when nothing matched, extra
//! patterns and their errors, maps, idempotence on mixed text, speed on a
//! large clean text.

use std::collections::BTreeMap;

use super::*;

#[test]
fn clean_text_is_borrowed() {
    let r = Redactor::defaults();
    for text in [
        "",
        "mode=fast",
        "all good\n",
        "[REDACTED]",
        "password=[REDACTED]",
    ] {
        assert!(matches!(r.redact(text), Cow::Borrowed(_)), "{text:?}");
    }
    assert!(matches!(r.redact("password=x"), Cow::Owned(_)));
}

#[test]
fn markers_stay_as_they_are() {
    for text in [
        "[REDACTED]",
        "password: [REDACTED]",
        "private_key: [REDACTED PRIVATE KEY]",
        "\"token\": \"[REDACTED]\"",
        "Authorization: [REDACTED]",
        "https://u:[REDACTED]@h/",
        "curl -H \"Cookie: [REDACTED]\"",
        "--password [REDACTED]",
    ] {
        assert_eq!(redact(text), text);
    }
}

/// A config file, a command output and a report mixing most rules.
const MIXED: &str = r#"# /etc/app/app.env
DB_PASSWORD="p@ss word"
DATABASE_URL=postgres://app:hunter2@db:5432/app
GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789
private_key: |
  -----BEGIN OPENSSH PRIVATE KEY-----
  b3BlbnNzaC1rZXktdjEAAAAA
  -----END OPENSSH PRIVATE KEY-----
notify: https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage
$ curl -v -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl" https://x/
> Cookie: sid=abc; theme=dark
{"user": "bob", "api_key": "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123", "mode": "fast"}
proxy_set_header Authorization "Basic dXNlcjpwYXNz";
"#;

const MIXED_REDACTED: &str = r#"# /etc/app/app.env
DB_PASSWORD="[REDACTED]"
DATABASE_URL=postgres://app:[REDACTED]@db:5432/app
GITHUB_TOKEN=[REDACTED]
private_key: |
  [REDACTED PRIVATE KEY]
notify: https://api.telegram.org/bot[REDACTED]/sendMessage
$ curl -v -H "Authorization: [REDACTED]" https://x/
> Cookie: [REDACTED]
{"user": "bob", "api_key": "[REDACTED]", "mode": "fast"}
proxy_set_header Authorization "[REDACTED]";
"#;

#[test]
fn mixed_text_is_redacted_and_idempotent() {
    let once = redact(MIXED);
    assert_eq!(once, MIXED_REDACTED);
    assert!(matches!(
        Redactor::defaults().redact(&once),
        Cow::Borrowed(_)
    ));
}

#[test]
fn idempotent_on_many_combinations() {
    // Glue fragments together in many orders and separators; every result
    // must be a fixed point. (A fixed xorshift seed: reproducible.)
    let fragments = [
        "password=hunter2",
        "[REDACTED]",
        "token: \"abc\"",
        "https://u:p@h/",
        "Authorization: Bearer x",
        "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
        "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        "{auth: x}",
        "mode=fast",
        "--secret [REDACTED PRIVATE KEY]",
        "key: |",
        "  indented",
        "'",
        "\"",
        "=",
        "<password>hunter2</password>",
        "requirepass hunter2",
        "machine h login u password hunter2",
        "curl -u u:hunter2 x",
        "$6$saltsalt$aBcDeFgHiJkLmNoPqRsTuVwX",
        "Environment=\"TOKEN=hunter2\"",
    ];
    let separators = ["", " ", "\n", ",", "&", ";", "\"", ":"];
    let r = Redactor::defaults();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for i in 0..4000 {
        // Every other text has one fragment per line.
        let lines = i % 2 == 0;
        let mut text = String::new();
        for _ in 0..1 + next(6) {
            text.push_str(fragments[next(fragments.len())]);
            text.push_str(if lines {
                "\n"
            } else {
                separators[next(separators.len())]
            });
        }
        let once = r.redact(&text).into_owned();
        assert_eq!(r.redact(&once), once, "input: {text:?}");
        // Glued fragments may legitimately read as one long value; one per
        // line, no secret may survive.
        for secret in ["hunter2", "aBcDeFgHiJk", "\nabc\n"] {
            assert!(
                !lines || !once.contains(secret),
                "{secret:?} left in {once:?} from {text:?}"
            );
        }
    }
}

#[test]
fn extra_patterns_redact_their_whole_match() {
    let r = Redactor::new(&["internal-[0-9a-f]{8}".to_owned(), "(?i)s3cr3t".to_owned()])
        .expect("valid patterns");
    assert_eq!(
        r.redact("id internal-deadbeef, S3CR3T, password=x"),
        "id [REDACTED], [REDACTED], password=[REDACTED]"
    );
    assert!(matches!(r.redact("nothing here"), Cow::Borrowed(_)));
}

#[test]
fn extra_patterns_never_break_markers() {
    let r = Redactor::new(&["[A-Z]{3,}".to_owned(), "D\\] tail".to_owned()]).expect("valid");
    assert_eq!(
        r.redact("[REDACTED] [REDACTED PRIVATE KEY]"),
        "[REDACTED] [REDACTED PRIVATE KEY]"
    );
    assert_eq!(r.redact("ABC password=x"), "[REDACTED] password=[REDACTED]");
    let once = r.redact("[REDACTED] tail");
    assert_eq!(once, "[REDACTED]");
    assert_eq!(r.redact(&once), once);
}

#[test]
fn invalid_extra_patterns_are_errors_naming_the_pattern() {
    let err = Redactor::new(&["ok".to_owned(), "(unclosed".to_owned()]).expect_err("invalid");
    assert_eq!(err.pattern, "(unclosed");
    let message = err.to_string();
    assert!(
        message.starts_with("invalid redaction pattern `(unclosed`: "),
        "{message}"
    );
    assert!(message.contains("unclosed group"), "{message}");

    let err = Redactor::new(&["x*".to_owned()]).expect_err("matches empty");
    assert_eq!(
        err.to_string(),
        "invalid redaction pattern `x*`: it matches the empty string"
    );
}

#[test]
fn maps_redact_secret_keys_entirely_and_other_values_by_rule() {
    let map: BTreeMap<String, String> = [
        ("DB_PASSWORD", "hunter2"),
        ("X-Auth-Token", "abc"),
        ("session", ""),
        ("HOME", "/root"),
        ("DATABASE_URL", "postgres://app:pw@db/app"),
        ("NOTE", "token=abc"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let redacted = Redactor::defaults().redact_map(&map);
    let get = |k: &str| redacted.get(k).map(String::as_str);
    assert_eq!(get("DB_PASSWORD"), Some(REDACTED));
    assert_eq!(get("X-Auth-Token"), Some(REDACTED));
    assert_eq!(get("session"), Some(REDACTED));
    assert_eq!(get("HOME"), Some("/root"));
    assert_eq!(
        get("DATABASE_URL"),
        Some("postgres://app:[REDACTED]@db/app")
    );
    assert_eq!(get("NOTE"), Some("token=[REDACTED]"));
    assert_eq!(redacted.len(), map.len());
}

#[test]
fn redactor_is_clone_and_debug_without_extra_patterns() {
    let r = Redactor::new(&["hunter2".to_owned()]).expect("valid");
    let copy = r.clone();
    assert_eq!(copy.redact("hunter2"), "[REDACTED]");
    let debug = format!("{r:?}");
    assert!(debug.contains("private_key_pem"), "{debug}");
    assert!(debug.contains("extra_patterns: 1"), "{debug}");
    assert!(!debug.contains("hunter2"), "{debug}");
}

/// Benchmark-ish: a 1 MB text with no secret (log lines, key=value pairs,
/// words that look like secret keys, URLs) comes back borrowed. No timing
/// assertion; `cargo test --release redact::tests::api::large` shows speed.
#[test]
fn large_clean_text_is_borrowed() {
    let line = "2025-06-01T12:00:00Z nas app[1234]: GET https://example.com/api/v1/items?page=2&mode=fast 200 \
                user=bob author=alice passwordless=true session opened for user root; token expired\n";
    let text = line.repeat(1_000_000 / line.len() + 1);
    assert!(text.len() >= 1_000_000);
    let started = std::time::Instant::now();
    let out = Redactor::defaults().redact(&text);
    assert!(matches!(out, Cow::Borrowed(_)));
    eprintln!("redacted {} bytes in {:?}", text.len(), started.elapsed());
}
