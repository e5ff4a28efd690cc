//! "Did you mean" hints for every configuration loader (keys, values, step kinds, template
//! variables): takes an unknown name and the names that were expected; gives the
//! parenthesised hint that ends an "unknown key" or "unknown value" message.

/// `did you mean `x`?` when one expected name is close (Levenshtein distance of at most 2, or
/// Jaro-Winkler similarity of at least 0.85), else the list of expected names.
pub fn hint(unknown: &str, expected: &[&str]) -> String {
    match closest(unknown, expected) {
        Some(name) => format!("did you mean `{name}`?"),
        None if expected.is_empty() => "nothing is expected here".to_owned(),
        None => format!("expected one of: {}", expected.join(", ")),
    }
}

fn closest<'a>(unknown: &str, expected: &[&'a str]) -> Option<&'a str> {
    let by_edits = expected
        .iter()
        .map(|name| (strsim::levenshtein(unknown, name), *name))
        // A distance as long as the name means every character was replaced.
        .filter(|(distance, name)| *distance <= 2 && *distance < name.chars().count())
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name);
    by_edits.or_else(|| {
        expected
            .iter()
            .map(|name| (strsim::jaro_winkler(unknown, name), *name))
            .filter(|(similarity, _)| *similarity >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, name)| name)
    })
}
