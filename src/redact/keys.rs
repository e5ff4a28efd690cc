//! Which keys name a secret: takes a key as written (`db_password`,
//! `X-Auth-Token`, `clientSecret`, `PGPASSWORD`), gives yes or no. A key is
//! cut into word parts at non-alphanumerics, camelCase humps and
//! letter/digit changes; it names a secret when a part is a secret word, two
//! neighbouring parts form one (`api`+`key`), or a part ends in a strong
//! secret word (`pgpassword`, `authtoken`). `passwordless` and `author` do not.

/// Parts that name a secret on their own.
const WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "accesskey",
    "secretkey",
    "auth",
    "authorization",
    "credential",
    "credentials",
    "cookie",
    "session",
];

/// Neighbouring parts that name a secret together.
const PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("client", "secret"),
];

/// Endings that name a secret even glued to a prefix (`PGPASSWORD`).
const SUFFIXES: &[&str] = &["password", "passwd", "secret", "token"];

pub(crate) fn is_secret_key(key: &str) -> bool {
    let parts = parts(key);
    parts.iter().any(|part| {
        WORDS.contains(&part.as_str()) || SUFFIXES.iter().any(|suffix| part.ends_with(suffix))
    }) || parts
        .windows(2)
        .any(|pair| PAIRS.contains(&(pair[0].as_str(), pair[1].as_str())))
}

/// Lower-case word parts of a key.
fn parts(key: &str) -> Vec<String> {
    let mut parts = Vec::new();
    for chunk in key.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = chunk.chars().collect();
        let mut current = String::new();
        for (i, &c) in chars.iter().enumerate() {
            if i > 0 && starts_part(chars[i - 1], c, chars.get(i + 1).copied()) {
                parts.push(std::mem::take(&mut current));
            }
            current.extend(c.to_lowercase());
        }
        if !current.is_empty() {
            parts.push(current);
        }
    }
    parts
}

/// Whether `c` (after `prev`, before `next`) begins a new word part.
fn starts_part(prev: char, c: char, next: Option<char>) -> bool {
    let hump = c.is_uppercase() && (prev.is_lowercase() || prev.is_numeric());
    let acronym_end =
        prev.is_uppercase() && c.is_uppercase() && next.is_some_and(char::is_lowercase);
    let digits = prev.is_numeric() != c.is_numeric();
    hump || acronym_end || digits
}
