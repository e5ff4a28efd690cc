//! The engine: takes one compiled rule and a text, gives the text with the
//! rule's matches replaced by a marker, or `None` when nothing changed (so
//! callers can keep borrowing). It never touches a marker an earlier rule or
//! pass left: a match inside one is skipped, a match overlapping one swallows
//! it whole. That, and running rules until a pass changes nothing, is what
//! makes redaction idempotent.

use std::borrow::Cow;
use std::ops::Range;

use regex::{CaptureLocations, Regex};

use super::keys::is_secret_key;
use super::rules::{Rule, Target};
use super::{REDACTED, REDACTED_PRIVATE_KEY};

/// A rule ready to run.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    /// For `Redactor`'s `Debug` and tests.
    pub name: Cow<'static, str>,
    regex: Regex,
    kind: Kind,
}

/// `Target`, with group indices and the value pattern compiled.
#[derive(Debug, Clone)]
enum Kind {
    Match(&'static str),
    Secret {
        secret: usize,
    },
    ValueOfKey {
        key: usize,
        value: Regex,
        secret: usize,
    },
}

/// What to do with one match.
enum Step {
    /// Leave it; search again from `resume`.
    Skip { resume: usize },
    /// Replace `span` with the rule's marker; search again from `resume`.
    Replace { span: Range<usize>, resume: usize },
}

impl Compiled {
    /// A default rule; `Err` says what is wrong with its patterns or groups.
    pub fn rule(rule: &Rule) -> Result<Compiled, String> {
        let regex = Regex::new(rule.pattern).map_err(|e| e.to_string())?;
        let kind = match rule.target {
            Target::Match(marker) => Kind::Match(marker),
            Target::Secret => Kind::Secret {
                secret: group(&regex, "secret")?,
            },
            Target::ValueOfKey(value) => {
                let value = Regex::new(&format!(r"\A(?:{value})"))
                    .map_err(|e| format!("value pattern: {e}"))?;
                Kind::ValueOfKey {
                    key: group(&regex, "key")?,
                    secret: group(&value, "secret")?,
                    value,
                }
            }
        };
        Ok(Compiled {
            name: Cow::Borrowed(rule.name),
            regex,
            kind,
        })
    }

    /// An inventory pattern: its whole match becomes `[REDACTED]`.
    pub fn extra(pattern: &str) -> Result<Compiled, String> {
        let regex = Regex::new(pattern).map_err(|e| e.to_string())?;
        if regex.is_match("") {
            return Err("it matches the empty string".to_owned());
        }
        Ok(Compiled {
            name: Cow::Owned(format!("extra `{pattern}`")),
            regex,
            kind: Kind::Match(REDACTED),
        })
    }

    /// The text with this rule applied, or `None` if nothing changed.
    pub fn apply(&self, text: &str) -> Option<String> {
        let marker = match self.kind {
            Kind::Match(marker) => marker,
            Kind::Secret { .. } | Kind::ValueOfKey { .. } => REDACTED,
        };
        let markers = markers(text);
        let mut locs = self.regex.capture_locations();
        let mut out: Option<String> = None;
        let (mut last, mut pos) = (0, 0);
        while pos < text.len() {
            let step = match self.kind {
                Kind::Match(_) => match self.regex.find_at(text, pos) {
                    Some(m) if m.is_empty() => Step::Skip { resume: m.end() },
                    Some(m) => Step::Replace {
                        span: m.range(),
                        resume: m.end(),
                    },
                    None => break,
                },
                Kind::Secret { .. } | Kind::ValueOfKey { .. } => {
                    match self.regex.captures_read_at(&mut locs, text, pos) {
                        Some(m) => self.step(text, &locs, m.end()),
                        None => break,
                    }
                }
            };
            let next = match step {
                // Back to the match's last character: it may be the boundary
                // that starts the next match (`"x"password=y`).
                Step::Skip { resume } => resume.min(last_char(text, resume)),
                Step::Replace { span, resume } => match inside_marker(&markers, &span) {
                    Some(marker_end) => resume.max(marker_end),
                    None => {
                        let span = widen(&markers, span);
                        let start = span.start.max(last);
                        let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                        out.push_str(&text[last..start]);
                        out.push_str(marker);
                        last = span.end.max(start);
                        resume.max(last)
                    }
                },
            };
            pos = if next > pos {
                next
            } else {
                next_char(text, pos)
            };
        }
        let mut out = out?;
        out.push_str(&text[last..]);
        Some(out)
    }

    /// Decide about one `Secret`/`ValueOfKey` match ending at `end`.
    fn step(&self, text: &str, locs: &CaptureLocations, end: usize) -> Step {
        let skip = Step::Skip { resume: end };
        match &self.kind {
            Kind::Match(_) => skip,
            Kind::Secret { secret } => match locs.get(*secret) {
                Some((start, stop)) => secret_step(text, start..stop, None, end),
                None => skip,
            },
            Kind::ValueOfKey { key, value, secret } => {
                let Some((key_start, key_end)) = locs.get(*key) else {
                    return skip;
                };
                if !is_secret_key(&text[key_start..key_end]) {
                    return skip;
                }
                let mut value_locs = value.capture_locations();
                let Some(m) = value.captures_read(&mut value_locs, &text[end..]) else {
                    return skip;
                };
                match value_locs.get(*secret) {
                    Some((start, stop)) => secret_step(
                        text,
                        end + start..end + stop,
                        Some(key_start),
                        end + m.end(),
                    ),
                    None => skip,
                }
            }
        }
    }
}

/// The index of the capture group `name`.
fn group(regex: &Regex, name: &str) -> Result<usize, String> {
    regex
        .capture_names()
        .position(|n| n == Some(name))
        .ok_or_else(|| format!("has no `{name}` group"))
}

/// Decide about a `secret` group at `span` (of a key starting at
/// `key_start`, if any), in a match ending at `end`.
fn secret_step(text: &str, span: Range<usize>, key_start: Option<usize>, end: usize) -> Step {
    let trimmed = text[span.clone()].trim();
    let start = span.start + text[span.clone()].len() - text[span].trim_start().len();
    let span = start..start + trimmed.len();
    if let Some(key_start) = key_start
        && is_block_indicator(text, &span)
    {
        return match yaml_block(text, key_start, span.end) {
            Some(block) => Step::Replace {
                resume: block.end,
                span: block,
            },
            None => Step::Skip { resume: end },
        };
    }
    let inner = unquote_or_trim(text, span.clone());
    let bare = inner.start == span.start;
    let closes_key = key_start.is_some_and(|k| bare && closes_key_quote(text, k, &span));
    if inner.is_empty() || closes_key {
        return Step::Skip { resume: end };
    }
    Step::Replace {
        resume: inner.end,
        span: inner,
    }
}

/// Where the markers are in `text`, in order.
fn markers(text: &str) -> Vec<Range<usize>> {
    if !text.contains("[REDACTED") {
        return Vec::new();
    }
    text.match_indices("[REDACTED")
        .filter_map(|(at, _)| {
            [REDACTED, REDACTED_PRIVATE_KEY]
                .iter()
                .find(|m| text[at..].starts_with(*m))
                .map(|m| at..at + m.len())
        })
        .collect()
}

/// The end of the marker `span` lies within, if any.
fn inside_marker(markers: &[Range<usize>], span: &Range<usize>) -> Option<usize> {
    let after = markers.partition_point(|m| m.start <= span.start);
    let marker = markers.get(after.checked_sub(1)?)?;
    (span.end <= marker.end).then_some(marker.end)
}

/// `span` grown to cover every marker it overlaps.
fn widen(markers: &[Range<usize>], mut span: Range<usize>) -> Range<usize> {
    let first = markers.partition_point(|m| m.end <= span.start);
    for marker in &markers[first..] {
        if marker.start >= span.end {
            break;
        }
        span.start = span.start.min(marker.start);
        span.end = span.end.max(marker.end);
    }
    span
}

/// A bare secret without a trailing `}`/`]`/`)` or quote it does not open
/// (`{password: x}`, `Environment="TOKEN=x"`), then the inside of a quoted
/// one (`"x"`, `'x'`, `\"x\"`).
fn unquote_or_trim(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    let pairs = [('{', '}'), ('[', ']'), ('(', ')'), ('"', '"'), ('\'', '\'')];
    let mut closes = pairs.map(|(_, close)| s.matches(close).count());
    let opens = pairs.map(|(open, _)| s.matches(open).count());
    let mut end = span.end;
    while let Some(last) = text[span.start..end].chars().next_back() {
        let Some(i) = pairs.iter().position(|&(_, close)| close == last) else {
            break;
        };
        let unopened = if pairs[i].0 == last {
            !s.starts_with(last) && closes[i] % 2 == 1
        } else {
            closes[i] > opens[i]
        };
        if !unopened {
            break;
        }
        closes[i] -= 1;
        end -= 1;
    }
    let s = &text[span.start..end];
    for quote in ["\"", "'", "\\\""] {
        if s.len() >= 2 * quote.len() && s.starts_with(quote) && s.ends_with(quote) {
            return span.start + quote.len()..end - quote.len();
        }
    }
    span.start..end
}

/// Whether the bare `span` is the quote closing the string the key opened
/// (`log('Cookie: ')`) rather than an unterminated value of its own.
fn closes_key_quote(text: &str, key_start: usize, span: &Range<usize>) -> bool {
    let s = &text[span.clone()];
    ["\"", "'"]
        .iter()
        .any(|q| s.starts_with(q) && text[..key_start].ends_with(q))
}

/// A YAML block scalar indicator (`|`, `>-`, `|2+`) ending its line.
fn is_block_indicator(text: &str, span: &Range<usize>) -> bool {
    let s = &text[span.clone()];
    let indicator = s.len() <= 3
        && (s.starts_with('|') || s.starts_with('>'))
        && s[1..].chars().all(|c| matches!(c, '-' | '+' | '1'..='9'));
    indicator && {
        let rest = text[span.end..].trim_start_matches([' ', '\t']);
        rest.is_empty() || rest.starts_with(['\n', '\r', '#'])
    }
}

/// The content of the YAML block after the line ending at `line_end`: the
/// following lines indented deeper than the key at `key_start`, from the
/// first non-blank character to the end of the last non-blank line.
fn yaml_block(text: &str, key_start: usize, line_end: usize) -> Option<Range<usize>> {
    let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let key_column = text[line_start..key_start]
        .trim_end_matches(['"', '\'', '\\'])
        .len();
    let mut at = line_end + text[line_end..].find('\n')? + 1;
    let mut block: Option<Range<usize>> = None;
    while at < text.len() {
        let line = text[at..].split('\n').next().unwrap_or("");
        let content = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - content.len();
        if !content.trim().is_empty() {
            if indent <= key_column {
                break;
            }
            let end = at + line.trim_end().len();
            block = Some(block.map_or(at + indent..end, |b| b.start..end));
        }
        at += line.len() + 1;
    }
    block
}

/// The position of the character ending at `end`.
fn last_char(text: &str, end: usize) -> usize {
    text[..end]
        .chars()
        .next_back()
        .map_or(0, |c| end - c.len_utf8())
}

/// The position after the character at `pos`.
fn next_char(text: &str, pos: usize) -> usize {
    text[pos..]
        .chars()
        .next()
        .map_or(text.len(), |c| pos + c.len_utf8())
}
