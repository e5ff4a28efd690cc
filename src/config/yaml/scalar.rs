//! Plain-scalar resolution (YAML 1.2 core schema): takes the text of an unquoted scalar; gives
//! whether it is null, or its value as a boolean, integer or float, plus a short description of
//! a node for "found ..." messages.

use super::node::{Node, NodeValue};

/// Whether a plain scalar is null (`~`, `null`, `Null`, `NULL`, or nothing at all).
pub(super) fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// `true`/`True`/`TRUE` and `false`/`False`/`FALSE`.
pub(super) fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Decimal with an optional sign, or `0x` hexadecimal, or `0o` octal. No `_` separators.
pub(super) fn parse_int(text: &str) -> Option<i128> {
    let (radix, digits, negative) = if let Some(hex) = text.strip_prefix("0x") {
        (16, hex, false)
    } else if let Some(octal) = text.strip_prefix("0o") {
        (8, octal, false)
    } else if let Some(decimal) = text.strip_prefix('-') {
        (10, decimal, true)
    } else {
        (10, text.strip_prefix('+').unwrap_or(text), false)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// `[-+]?(.digits|digits(.digits?)?)([eE][-+]?digits)?`, `[-+]?.inf` and `.nan` (any of the
/// three spellings each). Integers are floats too.
pub(super) fn parse_float(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(if text.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok =
        digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if mantissa_ok && exponent_ok {
        text.parse().ok()
    } else {
        None
    }
}

/// Describes a node for "found ..." messages. In a `scalar_context` (a boolean or a number was
/// expected) a plain scalar is shown as is and a quoted one is called a quoted string; otherwise
/// a plain scalar that is not a boolean or number is called a string.
pub(super) fn describe(node: &Node, scalar_context: bool) -> String {
    match &node.value {
        NodeValue::Null => "null".to_owned(),
        NodeValue::Sequence(_) => "a sequence".to_owned(),
        NodeValue::Mapping(_) => "a mapping".to_owned(),
        NodeValue::Scalar { text, plain } => {
            let shown = excerpt(text);
            let typed = parse_bool(text).is_some() || parse_float(text).is_some();
            if *plain && (scalar_context || typed) {
                format!("`{shown}`")
            } else if scalar_context {
                format!("a quoted string `\"{shown}\"`")
            } else {
                format!("a string `{shown}`")
            }
        }
    }
}

/// The first line of `text`, at most 40 characters, with `…` if anything was cut.
fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let line = text.lines().next().unwrap_or("");
    let mut shown: String = line.chars().take(MAX).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    shown
}
