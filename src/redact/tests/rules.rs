//! One table of `(rule, input, expected)` rows for the default rules, with
//! positive rows (the named rule fires on its own, and the whole redactor
//! gives `expected`) and negative rows (`expected == input`: the named rule
//! leaves it alone, and so does every other rule).

use super::*;
use crate::redact::engine::Compiled;
use crate::redact::rules::RULES;

#[rustfmt::skip]
const CASES: &[(&str, &str, &str)] = &[
    // private_key_pem
    ("private_key_pem",
     "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc=\n-----END RSA PRIVATE KEY-----\nafter",
     "key:\n[REDACTED PRIVATE KEY]\nafter"),
    ("private_key_pem",
     "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
     "[REDACTED PRIVATE KEY]\n"),
    ("private_key_pem",
     "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----",
     "[REDACTED PRIVATE KEY]\n-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----"),
    ("private_key_pem",
     "{\"pk\": \"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEE\\n-----END EC PRIVATE KEY-----\\n\"}",
     "{\"pk\": \"[REDACTED PRIVATE KEY]\\n\"}"),
    ("private_key_pem",
     "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHz\n(output truncated)",
     "[REDACTED PRIVATE KEY]"),
    ("private_key_pem",
     "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----",
     "[REDACTED PRIVATE KEY]"),
    ("private_key_pem",
     "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----",
     "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----"),
    ("private_key_pem",
     "-----BEGIN PUBLIC KEY-----\nMFkwEwYH\n-----END PUBLIC KEY-----",
     "-----BEGIN PUBLIC KEY-----\nMFkwEwYH\n-----END PUBLIC KEY-----"),
    ("private_key_pem",
     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@nas",
     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@nas"),

    // http_auth_header_double_quoted / _single_quoted
    ("http_auth_header_double_quoted",
     "curl -H \"Authorization: Bearer abc.def\" https://api.example.com/",
     "curl -H \"Authorization: [REDACTED]\" https://api.example.com/"),
    ("http_auth_header_double_quoted",
     "{\"cmd\": \"curl -H \\\"Cookie: sid=abc\\\" x\"}",
     "{\"cmd\": \"curl -H \\\"Cookie: [REDACTED]\\\" x\"}"),
    ("http_auth_header_double_quoted",
     "\"Authorization header missing\"",
     "\"Authorization header missing\""),
    ("http_auth_header_single_quoted",
     "curl -H 'Proxy-Authorization: Basic dXNlcjpwYXNz' -x proxy:3128 http://x/",
     "curl -H 'Proxy-Authorization: [REDACTED]' -x proxy:3128 http://x/"),
    ("http_auth_header_single_quoted",
     "log('Cookie: ')",
     "log('Cookie: ')"),

    // http_auth_header
    ("http_auth_header",
     "Authorization: Bearer abc.def",
     "Authorization: [REDACTED]"),
    ("http_auth_header",
     "> GET / HTTP/1.1\r\n> authorization: Basic dXNlcjpwYXNz\r\n> Accept: */*\r\n",
     "> GET / HTTP/1.1\r\n> authorization: [REDACTED]\r\n> Accept: */*\r\n"),
    ("http_auth_header",
     "< Set-Cookie: session=abc123; Path=/; HttpOnly\n< Cookie: a=1; b=2\n",
     "< Set-Cookie: [REDACTED]\n< Cookie: [REDACTED]\n"),
    ("http_auth_header",
     "Proxy-Authorization: Digest username=\"u\", response=\"6629fae4\"",
     "Proxy-Authorization: [REDACTED]"),
    ("http_auth_header",
     "Authorization failed for user bob",
     "Authorization failed for user bob"),
    ("http_auth_header",
     "Cookies: 3 stored\ncookie jar emptied",
     "Cookies: 3 stored\ncookie jar emptied"),

    // secret_key_value
    ("secret_key_value", "password=hunter2", "password=[REDACTED]"),
    ("secret_key_value", "mode=fast", "mode=fast"),
    ("secret_key_value", "db_password: hunter2 # prod", "db_password: [REDACTED] # prod"),
    ("secret_key_value", "api_key = \"abc def\"", "api_key = \"[REDACTED]\""),
    ("secret_key_value", "{\"token\": \"abc\", \"user\": \"bob\"}", "{\"token\": \"[REDACTED]\", \"user\": \"bob\"}"),
    ("secret_key_value", "{'Password': 'x y'}", "{'Password': '[REDACTED]'}"),
    ("secret_key_value", "export DB_PASSWORD=s3cr3t\nexport DB_USER=app", "export DB_PASSWORD=[REDACTED]\nexport DB_USER=app"),
    ("secret_key_value", "PGPASSWORD=s3cr3t psql -h db", "PGPASSWORD=[REDACTED] psql -h db"),
    ("secret_key_value", "mysql --password=hunter2 -u root", "mysql --password=[REDACTED] -u root"),
    ("secret_key_value", "https://x/cb?code=1&access_token=abc&state=2", "https://x/cb?code=1&access_token=[REDACTED]&state=2"),
    ("secret_key_value", "user=bob;password=pw;host=db", "user=bob;password=[REDACTED];host=db"),
    ("secret_key_value", "X-Auth-Token: abc123", "X-Auth-Token: [REDACTED]"),
    ("secret_key_value", "clientSecret: abc", "clientSecret: [REDACTED]"),
    ("secret_key_value", "X-Authorization: Bearer abc", "X-Authorization: [REDACTED]"),
    ("secret_key_value", "'password' => 'hunter2',", "'password' => '[REDACTED]',"),
    ("secret_key_value", "$cfg['password'] = 'x';", "$cfg['password'] = '[REDACTED]';"),
    ("secret_key_value", "token := \"abc\"", "token := \"[REDACTED]\""),
    ("secret_key_value", "{password: abc}", "{password: [REDACTED]}"),
    ("secret_key_value", "userPassword={SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "userPassword=[REDACTED]"),
    ("secret_key_value", "{\\\"secret\\\":\\\"abc\\\"}", "{\\\"secret\\\":\\\"[REDACTED]\\\"}"),
    ("secret_key_value", "pwd: \"unterminated", "pwd: [REDACTED]"),
    ("secret_key_value", "db:\n  password: |\n    line one\n    line two\n  user: app\n", "db:\n  password: |\n    [REDACTED]\n  user: app\n"),
    ("secret_key_value", "- token: >-\n    abc\n  name: x\n", "- token: >-\n    [REDACTED]\n  name: x\n"),
    ("secret_key_value", "auth:\n  user: bob\n", "auth:\n  user: bob\n"),
    ("secret_key_value", "\"auth\": {\"user\": \"bob\"}", "\"auth\": {\"user\": \"bob\"}"),
    ("secret_key_value", "password=\npassword=\"\"", "password=\npassword=\"\""),
    ("secret_key_value", "passwordless=true author=bob compass=north", "passwordless=true author=bob compass=north"),
    ("secret_key_value", "keyboard: us\nmonkey=1", "keyboard: us\nmonkey=1"),
    ("secret_key_value", "FATAL:  password authentication failed for user \"postgres\"", "FATAL:  password authentication failed for user \"postgres\""),
    ("secret_key_value", "pam_unix(sshd:session): session opened for user root", "pam_unix(sshd:session): session opened for user root"),
    ("secret_key_value", "author: password=hunter2", "author: password=[REDACTED]"),
    ("secret_key_value", "X-Cookie-Policy: strict", "X-Cookie-Policy: [REDACTED]"),

    // secret_key_quoted_directive
    ("secret_key_quoted_directive",
     "proxy_set_header Authorization \"Bearer abc\";",
     "proxy_set_header Authorization \"[REDACTED]\";"),
    ("secret_key_quoted_directive", "the token 'abc' expired", "the token '[REDACTED]' expired"),
    ("secret_key_quoted_directive", "proxy_set_header Host \"example.com\";", "proxy_set_header Host \"example.com\";"),
    ("secret_key_quoted_directive", "auth required pam_unix.so", "auth required pam_unix.so"),

    // secret_cli_flag
    ("secret_cli_flag", "mysqladmin --password hunter2 status", "mysqladmin --password [REDACTED] status"),
    ("secret_cli_flag", "vault login --auth-token \"s.abc\" -x", "vault login --auth-token \"[REDACTED]\" -x"),
    ("secret_cli_flag", "cmd --no-auth --verbose", "cmd --no-auth --verbose"),
    ("secret_cli_flag", "gen --token | grep x > out", "gen --token | grep x > out"),
    ("secret_cli_flag", "ls --all /tmp", "ls --all /tmp"),

    ("secret_key_value", "Environment=\"API_TOKEN=abc123\"", "Environment=\"API_TOKEN=[REDACTED]\""),
    ("secret_key_value", "env(\"TOKEN=abc\")", "env(\"TOKEN=[REDACTED]\")"),

    // xml_secret_element
    ("xml_secret_element", "<password>hunter2</password>", "<password>[REDACTED]</password>"),
    ("xml_secret_element", "<server>\n  <ns:authToken type=\"x\">\n    abc\n  </ns:authToken>", "<server>\n  <ns:authToken type=\"x\">\n    [REDACTED]\n  </ns:authToken>"),
    ("xml_secret_element", "<author>bob</author><password/><passwordPolicy>", "<author>bob</author><password/><passwordPolicy>"),

    // redis_auth
    ("redis_auth", "bind 127.0.0.1\nrequirepass foobared\n  masterauth \"x y\"\n", "bind 127.0.0.1\nrequirepass [REDACTED]\n  masterauth \"[REDACTED]\"\n"),
    ("redis_auth", "redis-cli CONFIG SET requirepass 'x'", "redis-cli CONFIG SET requirepass '[REDACTED]'"),
    ("redis_auth", "norequirepass x\nrequirepass\n", "norequirepass x\nrequirepass\n"),

    // url_credentials
    ("url_credentials", "https://user:pass@host/", "https://user:[REDACTED]@host/"),
    ("url_credentials", "DATABASE_URL=postgres://app:p@ss:w0rd@db:5432/app", "DATABASE_URL=postgres://app:[REDACTED]@db:5432/app"),
    ("url_credentials", "redis://:s3cret@cache:6379/0", "redis://:[REDACTED]@cache:6379/0"),
    ("url_credentials", "\"amqp://guest:guest@rabbit\"", "\"amqp://guest:[REDACTED]@rabbit\""),
    ("url_credentials", "https://host:8443/path?email=a@b.c", "https://host:8443/path?email=a@b.c"),
    ("url_credentials", "ssh://git@github.com:22/x.git", "ssh://git@github.com:22/x.git"),
    ("url_credentials", "git@github.com:org/repo.git", "git@github.com:org/repo.git"),

    // netrc_password
    ("netrc_password", "machine api.example.com login bob password hunter2", "machine api.example.com login bob password [REDACTED]"),
    ("netrc_password", "machine h\n  login u\n  password p\n", "machine h\n  login u\n  password [REDACTED]\n"),
    ("netrc_password", "machine h login u", "machine h login u"),

    // curl_user
    ("curl_user", "curl -sS -u admin:hunter2 https://x/", "curl -sS -u admin:[REDACTED] https://x/"),
    ("curl_user", "curl --user=admin:hunter2 https://x/", "curl --user=admin:[REDACTED] https://x/"),
    ("curl_user", "docker run --user 1000:1000 img", "docker run --user 1000:1000 img"),
    ("curl_user", "curl -u admin https://x/", "curl -u admin https://x/"),

    // bearer_token
    ("bearer_token", "sending bearer abcdefghijklmnop0123 to api", "sending bearer [REDACTED] to api"),
    ("bearer_token", "Bearer authentication", "Bearer authentication"),

    // password_hash
    ("password_hash",
     "root:$6$rounds=5000$saltsalt$Rx0t8Yb5e9W6qhIIn3e8dPnhS2Tf7yv3Q5J4hF6xZ8mW:19000:0:99999:7:::",
     "root:[REDACTED]:19000:0:99999:7:::"),
    ("password_hash", "admin:$apr1$xyz12345$AbCdEfGhIjKlMnOpQrStU.", "admin:[REDACTED]"),
    ("password_hash", "$2b$12$KIXQJ1Z0d5D6XJz5Q8O1UeG7l1h7fQk9l0Qk5J8Z1Q2W3E4R5T6Y7", "[REDACTED]"),
    ("password_hash", "echo $1 $6$HOME costs $5$ each", "echo $1 $6$HOME costs $5$ each"),

    // github_token
    ("github_token", "cloned with ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 ok", "cloned with [REDACTED] ok"),
    ("github_token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "[REDACTED]"),
    ("github_token", "gho_16C7e42F292c6912E7710c838347Ae178B4a and ghs_16C7e42F292c6912E7710c838347Ae178B4a", "[REDACTED] and [REDACTED]"),
    ("github_token", "id=fooghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "id=foo[REDACTED]"),
    ("github_token", "ghp_short ghp_ github_pat_", "ghp_short ghp_ github_pat_"),

    // gitlab_token
    ("gitlab_token", "glpat-xxxxxxxxxxxxxxxxxxxx", "[REDACTED]"),
    ("gitlab_token", "glpat-short", "glpat-short"),

    // slack_token
    ("slack_token", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "[REDACTED]"),
    ("slack_token", "xoxp-1234567890", "[REDACTED]"),
    ("slack_token", "xoxc-1234567890 xoxb-123", "xoxc-1234567890 xoxb-123"),

    // slack_webhook
    ("slack_webhook", "https://hooks.slack.com/services/T000/B000/XXXXXXXX", "https://hooks.slack.com/services/[REDACTED]"),
    ("slack_webhook", "https://hooks.slack.com/", "https://hooks.slack.com/"),

    // discord_webhook
    ("discord_webhook", "https://discord.com/api/webhooks/123456/abcDEF-ghi_jkl", "https://discord.com/api/webhooks/123456/[REDACTED]"),
    ("discord_webhook", "https://discord.com/api/webhooks/", "https://discord.com/api/webhooks/"),

    // aws_access_key_id
    ("aws_access_key_id", "aws_access_key_id AKIAIOSFODNN7EXAMPLE", "aws_access_key_id [REDACTED]"),
    ("aws_access_key_id", "ASIAY34FZKBOKMUTVV7A", "[REDACTED]"),
    ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE2 AKIAshort", "AKIAIOSFODNN7EXAMPLE2 AKIAshort"),

    // telegram_bot_token
    ("telegram_bot_token",
     "POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage",
     "POST https://api.telegram.org/bot[REDACTED]/sendMessage"),
    ("telegram_bot_token", "https://example.com/bot/status /bot123:short/", "https://example.com/bot/status /bot123:short/"),

    // sk_api_key
    ("sk_api_key", "ANTHROPIC_KEY sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123", "ANTHROPIC_KEY [REDACTED]"),
    ("sk_api_key", "using sk-proj-abcdefghijklmnopqrst for openai", "using [REDACTED] for openai"),
    ("sk_api_key", "sk-short task-abcdefghijklmnopqrstuvwxyz disk-abcdefghijklmnopqrstuvwxyz", "sk-short task-abcdefghijklmnopqrstuvwxyz disk-abcdefghijklmnopqrstuvwxyz"),

    // stripe_key
    ("stripe_key", "sk_live_abcdefghijklmnop1234", "[REDACTED]"),
    ("stripe_key", "sk_live_ mode", "sk_live_ mode"),

    // google_api_key
    ("google_api_key", "key AIzaSyA-abcdefghijklmnopqrstuvwxyz12345", "key [REDACTED]"),
    ("google_api_key", "AIza too short", "AIza too short"),

    // jwt
    ("jwt",
     "jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end",
     "jwt [REDACTED] end"),
    ("jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "[REDACTED]"),
    ("jwt", "eyJ is how base64 JSON starts; a.b.c is not a jwt", "eyJ is how base64 JSON starts; a.b.c is not a jwt"),
];

/// The compiled default rule called `name`.
fn rule(name: &str) -> &'static Compiled {
    DEFAULTS
        .iter()
        .find(|rule| rule.name == name)
        .unwrap_or_else(|| panic!("no default rule `{name}`"))
}

#[test]
fn every_default_rule_compiles_with_its_groups() {
    for rule in RULES {
        if let Err(e) = Compiled::rule(rule) {
            panic!("rule `{}`: {e}", rule.name);
        }
    }
    assert_eq!(DEFAULTS.len(), RULES.len());
}

#[test]
fn every_rule_is_named_once_documented_and_tested_both_ways() {
    for (i, rule) in RULES.iter().enumerate() {
        assert!(
            !rule.what.trim().is_empty(),
            "`{}` is undocumented",
            rule.name
        );
        assert!(
            RULES[..i].iter().all(|other| other.name != rule.name),
            "`{}` is named twice",
            rule.name
        );
        let rows = CASES.iter().filter(|(name, ..)| *name == rule.name);
        let (positive, negative): (Vec<&(&str, &str, &str)>, Vec<_>) =
            rows.partition(|(_, i, e)| i != e);
        assert!(!positive.is_empty(), "`{}` has no positive case", rule.name);
        assert!(!negative.is_empty(), "`{}` has no negative case", rule.name);
    }
}

#[test]
fn table() {
    let mut failures = Vec::new();
    for (name, input, expected) in CASES {
        let got = redact(input);
        if got != *expected {
            failures.push(format!(
                "[{name}]\n  input:    {input:?}\n  expected: {expected:?}\n  got:      {got:?}"
            ));
        }
        let alone = rule(name).apply(input);
        match (input == expected, alone) {
            (false, None) => failures.push(format!("[{name}] does not fire on its own: {input:?}")),
            (true, Some(out)) => failures.push(format!(
                "[{name}] fires on a negative case: {input:?} -> {out:?}"
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn table_is_idempotent() {
    for (name, input, _) in CASES {
        let once = redact(input);
        assert_eq!(redact(&once), once, "[{name}] {input:?}");
    }
}
