//! Redact: takes text (reports, command output, backed-up files, commit
//! messages, prompts) or a key/value map, gives it back with secrets replaced
//! by `[REDACTED]`, private keys by `[REDACTED PRIVATE KEY]`. Everything
//! medic writes to Git, logs, notifications or an LLM goes through a
//! `Redactor` first: a secret in a Git history cannot be taken back.
//!
//! The default rules (`rules.rs`) are always on; the inventory may add
//! patterns, never remove defaults. Redaction is idempotent and borrows the
//! input when nothing matched. All regexes are linear-time (`regex` crate).

mod engine;
mod keys;
mod rules;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use engine::Compiled;

/// What a redacted secret becomes.
pub const REDACTED: &str = "[REDACTED]";
/// What a redacted private key block becomes.
pub const REDACTED_PRIVATE_KEY: &str = "[REDACTED PRIVATE KEY]";

/// Passes over a text until one changes nothing; two in practice.
const MAX_PASSES: usize = 4;

/// An inventory redaction pattern that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid redaction pattern `{pattern}`: {message}")]
pub struct RedactError {
    pub pattern: String,
    pub message: String,
}

/// The default rules, compiled once per process.
static DEFAULTS: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    rules::RULES
        .iter()
        .map(|rule| {
            Compiled::rule(rule)
                .unwrap_or_else(|e| panic!("default redaction rule `{}` is broken: {e}", rule.name))
        })
        .collect()
});

/// Replaces secrets in text. Cheap to clone; the defaults are shared.
/// `Debug` names the rules but never prints the inventory's patterns, which
/// may be secrets themselves.
#[derive(Clone)]
pub struct Redactor {
    defaults: &'static [Compiled],
    extra: Vec<Compiled>,
}

impl Redactor {
    /// The default rules plus `extra` patterns from the inventory (each a
    /// regex whose whole match is replaced by `[REDACTED]`).
    pub fn new(extra: &[String]) -> Result<Redactor, RedactError> {
        let extra = extra
            .iter()
            .map(|pattern| {
                Compiled::extra(pattern).map_err(|message| RedactError {
                    pattern: pattern.clone(),
                    message,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Redactor {
            defaults: &DEFAULTS,
            extra,
        })
    }

    /// The default rules only.
    pub fn defaults() -> Redactor {
        Redactor {
            defaults: &DEFAULTS,
            extra: Vec::new(),
        }
    }

    /// `text` with every secret replaced; borrowed when nothing matched.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        for _ in 0..MAX_PASSES {
            match self.pass(&text) {
                Some(next) => text = Cow::Owned(next),
                None => break,
            }
        }
        text
    }

    /// Values of keys that name a secret (see `is_secret_key`) become
    /// `[REDACTED]` entirely; other values go through `redact`.
    pub fn redact_map(&self, map: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        map.iter()
            .map(|(key, value)| {
                let value = if Redactor::is_secret_key(key) {
                    REDACTED.to_owned()
                } else {
                    self.redact(value).into_owned()
                };
                (key.clone(), value)
            })
            .collect()
    }

    /// Whether `key` names a secret: password, passwd, pwd, pass,
    /// passphrase, secret, token, api_key/apikey/api-key, private_key,
    /// access_key, client_secret, auth, authorization, credential(s), cookie
    /// or session, in any case, as a whole word part (`db_password`,
    /// `X-Auth-Token`, `clientSecret`) or glued on as the end of one
    /// (`PGPASSWORD`, `authtoken`).
    pub fn is_secret_key(key: &str) -> bool {
        keys::is_secret_key(key)
    }

    /// Every rule once, in order; `None` if nothing changed.
    fn pass(&self, text: &str) -> Option<String> {
        let mut text = Cow::Borrowed(text);
        for rule in self.defaults.iter().chain(&self.extra) {
            if let Some(next) = rule.apply(&text) {
                text = Cow::Owned(next);
            }
        }
        match text {
            Cow::Owned(text) => Some(text),
            Cow::Borrowed(_) => None,
        }
    }
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field(
                "defaults",
                &self.defaults.iter().map(|r| &r.name).collect::<Vec<_>>(),
            )
            .field("extra_patterns", &self.extra.len())
            .finish()
    }
}

#[cfg(test)]
mod tests;
