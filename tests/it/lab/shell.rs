//! Shell quoting, the same rule the shims use when they log their calls, so a
//! test can build the line it expects in `docker.calls`.

/// Quotes `arg` for a POSIX shell when it needs quoting: left alone if it is
/// non-empty and only has `A-Za-z0-9_./:=@%+,-`, otherwise single-quoted with
/// `'` written as `'\''`.
pub fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// One logged call as the shims write it: `program arg1 arg2 ...`, each
/// argument passed through [`shell_quote`].
pub fn call_line(program: &str, args: &[&str]) -> String {
    let mut line = program.to_string();
    for arg in args {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(shell_quote("calibre"), "calibre");
        assert_eq!(shell_quote("{{json .}}"), "'{{json .}}'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(
            call_line("docker", &["restart", "x; touch /tmp/p"]),
            "docker restart 'x; touch /tmp/p'"
        );
    }
}
