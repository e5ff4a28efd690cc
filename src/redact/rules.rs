//! The default redaction rules: takes nothing, gives `RULES`, a table of
//! named, documented regexes and what each one replaces. Rules run in table
//! order (private keys first, token shapes last), so a later rule sees the
//! markers an earlier one left. Adding a rule is one entry here plus a row
//! in `tests/rules.rs`.
//!
//! Conventions the engine (`engine.rs`) relies on:
//! - `Target::Secret` rules have a `secret` group; only it is replaced,
//!   trimmed of surrounding whitespace. A quoted secret keeps its quotes; a
//!   bare one keeps a trailing `}`, `]`, `)` or quote it did not open.
//! - `Target::ValueOfKey(value)` rules match a key and its separator, with a
//!   `key` group; when `is_secret_key(key)`, the anchored `value` pattern is
//!   matched right after and its `secret` group replaced as for `Secret`.
//!   Keeping values out of the key match keeps a run of look-alike keys
//!   (`author=author=…`) linear.
//! - Patterns stay linear (the `regex` crate guarantees it) and use ASCII
//!   `\b` (`(?-u:\b)`), which keeps the fast DFA engines usable on any text.
//!   Distinctive token prefixes (`ghp_`, `AKIA`, `eyJ`) need no `\b` before
//!   them, so a token glued to a word is still caught; `sk-` does, or every
//!   long hyphenated word ending in "sk" would go.

use super::{REDACTED, REDACTED_PRIVATE_KEY};

/// What a rule replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The whole match becomes the given marker.
    Match(&'static str),
    /// Only the `secret` group becomes `[REDACTED]`.
    Secret,
    /// After a match whose `key` group names a secret: the `secret` group of
    /// this pattern, matched right where the match ends.
    ValueOfKey(&'static str),
}

/// One named, documented default rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    pub name: &'static str,
    /// Documentation; tests check every rule has some.
    #[cfg_attr(not(test), allow(dead_code))]
    pub what: &'static str,
    pub pattern: &'static str,
    pub target: Target,
}

/// A word a candidate key must contain. `is_secret_key` decides whether the
/// key really names a secret; this only has to find a superset, fast.
macro_rules! key_word {
    () => {
        r"(?i:pass|pwd|secret|token|api[_.-]?key|private[_.-]?key|access[_.-]?key|auth|credential|cookie|session)"
    };
}

/// A candidate key (see `key_word!`) as the `key` group.
macro_rules! key {
    () => {
        concat!(r"(?P<key>[A-Za-z0-9_.-]*", key_word!(), r"[A-Za-z0-9_.-]*)")
    };
}

/// A double- or single-quoted string on one line, with backslash escapes.
macro_rules! quoted {
    () => {
        r#""(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*'"#
    };
}

/// A marker left by an earlier pass, kept whole so it is recognised.
macro_rules! marker {
    () => {
        r"\[REDACTED(?: PRIVATE KEY)?\]"
    };
}

/// The value after `key=`/`key:`: a marker, a quoted string, an auth scheme
/// and its credentials (`Bearer abc`), an LDAP-style `{SSHA}hash`, or a bare
/// word up to whitespace, `;`, `,` or `&` (not opening a `{`/`[` structure).
macro_rules! value {
    () => {
        concat!(
            r"(?P<secret>",
            marker!(),
            "|",
            quoted!(),
            r"|(?i:bearer|basic|digest|token|bot)[ \t]+[^\s;,&]+",
            r"|\{[A-Za-z0-9_-]*\}[^\s;,&]*",
            r"|[^\s;,&{\[][^\s;,&]*)"
        )
    };
}

/// Before a key: start of line or a character that cannot be part of a key.
macro_rules! key_start {
    () => {
        r"(?m:^|[^A-Za-z0-9_.-])"
    };
}

/// An HTTP header carrying credentials, and its colon.
macro_rules! header {
    () => {
        r"(?i:(?:proxy-)?authorization|set-cookie|cookie)[ \t]*:[ \t]*"
    };
}

pub(crate) const RULES: &[Rule] = &[
    Rule {
        name: "private_key_pem",
        what: "PEM and OpenSSH private keys (and PGP private key blocks), BEGIN to END line; an unterminated key is redacted to the end of the text. Certificates and public keys stay.",
        pattern: r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\z)",
        target: Target::Match(REDACTED_PRIVATE_KEY),
    },
    Rule {
        name: "http_auth_header_double_quoted",
        what: "An Authorization/Proxy-Authorization/Cookie/Set-Cookie header inside double quotes (`curl -H \"Authorization: Bearer x\"`): the value up to the closing quote.",
        pattern: concat!(r#"""#, header!(), r#"(?P<secret>[^"\r\n]*?)\\?""#),
        target: Target::Secret,
    },
    Rule {
        name: "http_auth_header_single_quoted",
        what: "The same header inside single quotes (`curl -H 'Cookie: a=b'`).",
        pattern: concat!(r"'", header!(), r"(?P<secret>[^'\r\n]*?)\\?'"),
        target: Target::Secret,
    },
    Rule {
        name: "http_auth_header",
        what: "An Authorization/Proxy-Authorization/Cookie/Set-Cookie header line: the whole value to the end of the line (a quoted value is left to the key rules).",
        pattern: concat!(
            r#"(?m:^|[^A-Za-z0-9_"'-])"#,
            header!(),
            r#"(?P<secret>[^\s"'][^\r\n]*)"#
        ),
        target: Target::Secret,
    },
    Rule {
        name: "secret_key_value",
        what: "`key=value`, `key: value`, `key = \"value\"`, JSON `\"key\": \"value\"`, `key => 'value'`, env `KEY=value`, `--key=value` where the key names a secret: only the value. A YAML block (`key: |`) loses its indented lines.",
        pattern: concat!(
            key_start!(),
            r#"\\?["']?"#,
            key!(),
            r#"\\?["']?\]?[ \t]*(?:=>|:=|=|:)[ \t]*"#
        ),
        target: Target::ValueOfKey(value!()),
    },
    Rule {
        name: "secret_key_quoted_directive",
        what: "A config directive whose key names a secret and whose value is quoted after whitespace (nginx `proxy_set_header Authorization \"Bearer abc\";`): only the inside of the quotes.",
        pattern: concat!(key_start!(), key!(), r"[ \t]+"),
        target: Target::ValueOfKey(concat!("(?P<secret>", quoted!(), ")")),
    },
    Rule {
        name: "secret_cli_flag",
        what: "A command-line flag naming a secret followed by its value (`--password hunter2`, `--auth-token \"x\"`); a following flag, pipe or redirect is not a value.",
        pattern: concat!(
            r#"(?m:^|[\s"'=(])(?P<key>-{1,2}[A-Za-z0-9_.-]*"#,
            key_word!(),
            r"[A-Za-z0-9_.-]*)[ \t]+",
        ),
        target: Target::ValueOfKey(concat!(
            r"(?P<secret>",
            marker!(),
            "|",
            quoted!(),
            r#"|[^\s;,&|<>"'-][^\s;,&]*)"#
        )),
    },
    Rule {
        name: "xml_secret_element",
        what: "An XML element whose name names a secret (`<password>x</password>`, `<ns:authToken>`): its text up to the next tag.",
        pattern: concat!(
            r"<(?P<key>[A-Za-z0-9_.:-]*",
            key_word!(),
            r"[A-Za-z0-9_.:-]*)(?:[ \t][^<>\r\n]*)?>"
        ),
        target: Target::ValueOfKey(r"(?P<secret>[^<]+)"),
    },
    Rule {
        name: "redis_auth",
        what: "Redis `requirepass`/`masterauth` (redis.conf, `CONFIG SET requirepass x`): the password.",
        pattern: concat!(
            r"(?-u:\b)(?:requirepass|masterauth)[ \t]+(?P<secret>",
            quoted!(),
            r"|\S+)"
        ),
        target: Target::Secret,
    },
    Rule {
        name: "url_credentials",
        what: "The password in a URL's userinfo (`https://user:pass@host/`), up to the last `@` of the authority; the user name stays.",
        pattern: r#"[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:"'<>]*:(?P<secret>[^\s/?#"'<>]*)@"#,
        target: Target::Secret,
    },
    Rule {
        name: "netrc_password",
        what: "A `.netrc` entry (`machine h login u password p`): the password.",
        pattern: r"(?m:^|\s)(?:machine|login)\s+\S+\s+password\s+(?P<secret>\S+)",
        target: Target::Secret,
    },
    Rule {
        name: "curl_user",
        what: "`curl -u user:pass` / `curl --user user:pass`: the password.",
        pattern: r#"(?-u:\b)curl(?-u:\b)[^\r\n]*?\s(?:-u|--user)(?:[ \t]+|=)["']?[^\s:"']*:(?P<secret>[^\s"']+)"#,
        target: Target::Secret,
    },
    Rule {
        name: "bearer_token",
        what: "`Bearer <token>` anywhere (16+ token characters): the token.",
        pattern: r"(?-u:\b)(?i:bearer)[ \t]+(?P<secret>[A-Za-z0-9._~+/-]{16,}=*)",
        target: Target::Secret,
    },
    Rule {
        name: "password_hash",
        what: "crypt(3)-style password hashes as in /etc/shadow and htpasswd (`$1$`, `$2b$`, `$5$`, `$6$`, `$y$`, `$apr1$`, `$argon2id$`): the whole hash.",
        pattern: r"\$(?:1|2[abxy]?|5|6|y|apr1|argon2(?:id|i|d))\$[./A-Za-z0-9$=,+-]{20,}",
        target: Target::Match(REDACTED),
    },
    Rule {
        name: "github_token",
        what: "GitHub tokens: `ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_` and `github_pat_` followed by 20+ characters.",
        pattern: r"(?:gh[pousr]|github_pat)_[A-Za-z0-9_]{20,}",
        target: Target::Match(REDACTED),
    },
    Rule {
        name: "gitlab_token",
        what: "GitLab personal access tokens: `glpat-` and 20+ characters.",
        pattern: r"glpat-[A-Za-z0-9_-]{20,}",
        target: Target::Match(REDACTED),
    },
    Rule {
        name: "slack_token",
        what: "Slack tokens: `xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxs-` and 10+ characters.",
        pattern: r"xox[abprs]-[A-Za-z0-9_-]{10,}",
        target: Target::Match(REDACTED),
    },
    Rule {
        name: "slack_webhook",
        what: "The secret path of a Slack incoming-webhook URL.",
        pattern: r"hooks\.slack\.com/services/(?P<secret>[A-Za-z0-9_/-]+)",
        target: Target::Secret,
    },
    Rule {
        name: "discord_webhook",
        what: "The token of a Discord webhook URL (the numeric id stays).",
        pattern: r"discord(?:app)?\.com/api/webhooks/[0-9]+/(?P<secret>[A-Za-z0-9_-]+)",
        target: Target::Secret,
    },
    Rule {
        name: "aws_access_key_id",
        what: "AWS access key ids: `AKIA` (long-term) or `ASIA` (temporary) and 16 upper-case letters or digits.",
        pattern: r"(?:AKIA|ASIA)[0-9A-Z]{16}(?-u:\b)",
        target: Target::Match(REDACTED),
    },
    Rule {
        name: "telegram_bot_token",
        what: "A Telegram bot token in a URL path (`/bot<digits>:<30+ chars>`); `/bot` stays.",
        pattern: r"/bot(?P<secret>[0-9]{5,}:[A-Za-z0-9_-]{30,})",
        target: Target::Secret,
    },
    Rule {
        name: "sk_api_key",
        what: "Anthropic and OpenAI-style keys: `sk-` (`sk-ant-…`, `sk-proj-…`) and 20+ characters.",
        pattern: r"(?-u:\b)sk-[A-Za-z0-9_-]{20,}",
        target: Target::Match(REDACTED),
    },
    Rule {
        name: "stripe_key",
        what: "Stripe secret and restricted keys: `sk_live_`, `sk_test_`, `rk_live_`, `rk_test_` and 16+ characters.",
        pattern: r"[rs]k_(?:live|test)_[A-Za-z0-9_]{16,}",
        target: Target::Match(REDACTED),
    },
    Rule {
        name: "google_api_key",
        what: "Google API keys: `AIza` and 35 characters.",
        pattern: r"AIza[0-9A-Za-z_-]{35}",
        target: Target::Match(REDACTED),
    },
    Rule {
        name: "jwt",
        what: "JSON Web Tokens: three base64url segments, the first starting `eyJ` (the signature may be empty).",
        pattern: r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*",
        target: Target::Match(REDACTED),
    },
];
