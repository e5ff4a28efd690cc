//! Host scripts: takes rendered values (names, units, paths, file content); gives POSIX `sh`
//! text in which every value is quoted, so no value can run a command. Pure builders: the
//! runner sends their output, wrapped by [`script`], to `sh` on the host's stdin.
//!
//! Exit codes of [`read_file`] and [`write_file`] (anything else is the failing tool's):
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done (read: the content is on stdout, byte for byte) |
//! | 3 | [`MISSING`]: the file (read) or its directory (write) does not exist |
//! | 4 | [`UNREADABLE`] / [`UNWRITABLE`]: permission denied, disk full, ... |
//! | 5 | [`NOT_A_FILE`]: a directory, device, ...; for writes also a symbolic link |
//!
//! Writes are atomic: the new content goes to a temporary file in the same directory (created
//! exclusively with `set -C`), which takes the original's mode, owner and group with `cp -p`
//! (POSIX; ownership is only kept when running as root, ACLs and extended attributes are not
//! copied), and is then renamed over the original with `mv`. A symbolic link is refused rather
//! than replaced by a regular file (which would silently detach, say, `sites-enabled/x` from
//! `sites-available/x`): write the link's target instead. The content is passed as `printf '%s'`
//! arguments of at most [`CHUNK`] bytes each, so every byte except NUL (which no shell argument
//! can hold) arrives unchanged, whether or not `printf` is a shell builtin.

use std::fmt::Write as _;

use crate::config::playbook::{ContainerAction, ServiceAction};

/// Exit code: the file (or, for a write, its directory) does not exist.
pub const MISSING: i32 = 3;
/// Exit code of [`read_file`]: the file exists but cannot be read.
pub const UNREADABLE: i32 = 4;
/// Exit code of [`write_file`]: the file could not be written (nothing was changed).
pub const UNWRITABLE: i32 = 4;
/// Exit code: the path is not a regular file (for writes: or a symbolic link).
pub const NOT_A_FILE: i32 = 5;
/// Largest piece of file content in one `printf` argument (quoting at most triples it, which
/// stays below Linux's 128 KiB limit on one argument of an external command).
pub const CHUNK: usize = 16 * 1024;

/// A value that cannot be passed to a shell: it contains a NUL byte.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot pass a value containing a NUL byte to the shell")]
pub struct NulByte;

/// POSIX quoting: a value that needs none stays as it is (`restart`, `/var/cache/app`), any
/// other becomes one shell word (`'x; touch /tmp/pwned'`).
pub fn quote(value: &str) -> Result<String, NulByte> {
    shlex::try_quote(value)
        .map(|quoted| quoted.into_owned())
        .map_err(|_| NulByte)
}

/// Like [`quote`], for display only: a NUL byte is shown as `\0`.
pub fn quote_for_display(value: &str) -> String {
    quote(&value.replace('\0', "\\0")).unwrap_or_default()
}

/// Wraps a script body for sending to `sh` on stdin: the shell reads the whole group before
/// running any of it, and the commands read `/dev/null`, so nothing in the body can swallow
/// the rest of the script as its input.
pub fn script(body: &str) -> String {
    format!("{{\n{}\n}} </dev/null\n", body.trim_end_matches('\n'))
}

/// `docker restart -- NAME`.
pub fn docker(action: ContainerAction, name: &str) -> Result<String, NulByte> {
    Ok(format!("docker {} -- {}", action.as_str(), quote(name)?))
}

/// `systemctl reload -- UNIT`.
pub fn systemctl(action: ServiceAction, unit: &str) -> Result<String, NulByte> {
    Ok(format!("systemctl {} -- {}", action.as_str(), quote(unit)?))
}

/// Prints the file at `path` (following symbolic links); exit codes in the module docs.
pub fn read_file(path: &str) -> Result<String, NulByte> {
    Ok(format!(
        "p={path}
if [ ! -e \"$p\" ]; then printf 'medic: %s does not exist\\n' \"$p\" >&2; exit {MISSING}; fi
if [ ! -f \"$p\" ]; then printf 'medic: %s is not a regular file\\n' \"$p\" >&2; exit {NOT_A_FILE}; fi
cat -- \"$p\" || exit {UNREADABLE}",
        path = quote(path)?,
    ))
}

/// Replaces the file at `path` with `content`, atomically; exit codes in the module docs.
pub fn write_file(path: &str, content: &str) -> Result<String, NulByte> {
    let dir = match path.rfind('/') {
        Some(0) => "/",
        Some(slash) => &path[..slash],
        None => ".",
    };
    let mut fill = String::new();
    for piece in chunks(content, CHUNK) {
        let _ = writeln!(fill, "printf '%s' {} || exit 1", quote(piece)?);
    }
    Ok(format!(
        "p={path}
d={dir}
fail() {{ [ -n \"${{t:-}}\" ] && rm -f -- \"$t\"; printf 'medic: cannot write %s: %s\\n' \"$p\" \"$1\" >&2; exit \"$2\"; }}
t=
[ -d \"$d\" ] || fail 'its directory does not exist' {MISSING}
if [ -L \"$p\" ] || {{ [ -e \"$p\" ] && [ ! -f \"$p\" ]; }}; then fail 'not a regular file' {NOT_A_FILE}; fi
n=0
while :; do
  t=\"$d/.medic-write.$$.$n\"
  if (set -C; : >\"$t\") 2>/dev/null; then break; fi
  [ -e \"$t\" ] || [ -L \"$t\" ] || {{ t=; fail 'cannot create a file in its directory' {UNWRITABLE}; }}
  n=$((n + 1))
  [ \"$n\" -lt 100 ] || {{ t=; fail 'no free temporary name' {UNWRITABLE}; }}
done
if [ -e \"$p\" ]; then cp -p -- \"$p\" \"$t\" || fail 'cannot copy its mode and owner' {UNWRITABLE}; fi
(
:
{fill}) >\"$t\" || fail 'cannot write the new content' {UNWRITABLE}
mv -f -- \"$t\" \"$p\" || fail 'cannot replace it' {UNWRITABLE}",
        path = quote(path)?,
        dir = quote(dir)?,
    ))
}

/// Splits `text` into pieces of at most `max` bytes (at least one character each), cut at
/// character boundaries; none for an empty text.
fn chunks(text: &str, max: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = max.min(rest.len());
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    //! The builders run for real under dash (`/bin/sh`) and `busybox sh`, in temp dirs, with
    //! hostile names, paths and content.

    use std::io::Write as _;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output, Stdio};

    use super::*;

    fn shells() -> Vec<Vec<&'static str>> {
        let mut shells = vec![vec!["/bin/sh"]];
        if Path::new("/usr/bin/busybox").exists() || Path::new("/bin/busybox").exists() {
            shells.push(vec!["busybox", "sh"]);
        }
        shells
    }

    fn run(shell: &[&str], body: &str, path_prefix: Option<&Path>) -> Output {
        let mut command = Command::new(shell[0]);
        command.args(&shell[1..]);
        if let Some(prefix) = path_prefix {
            let path = std::env::var("PATH").unwrap_or_default();
            command.env("PATH", format!("{}:{path}", prefix.display()));
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn shell");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(script(body).as_bytes())
            .expect("write script");
        child.wait_with_output().expect("wait")
    }

    /// A marker path and values that would create it if they ever reached the shell unquoted.
    fn hostile(dir: &Path) -> (PathBuf, Vec<String>) {
        let marker = dir.join(format!("medic-pwned-{}", std::process::id()));
        let m = marker.display().to_string();
        let values = vec![
            format!("x; touch {m}"),
            format!("$(touch {m})"),
            format!("`touch {m}`"),
            format!("'; touch {m}; '"),
            format!("\"; touch {m}; \""),
            format!("x\ntouch {m}\n"),
            format!("x' \"$(touch {m})\" '"),
            format!("-- ; touch {m} \\"),
            format!("}} </dev/null; touch {m}; {{ :"),
            "a\\b\\\\c $HOME ${PATH} !x ^y ~z *?[a] #c =d %e {f,g} é ✓ \r\t".to_string(),
            "-rf".to_string(),
            String::new(),
        ];
        (marker, values)
    }

    fn shim(dir: &Path, tool: &str) -> PathBuf {
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).expect("bin dir");
        let log = dir.join(format!("{tool}.args"));
        let path = bin.join(tool);
        let body = format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > {}\n",
            quote(&log.display().to_string()).expect("quote")
        );
        std::fs::write(&path, body).expect("shim");
        Command::new("chmod")
            .args(["+x", &path.display().to_string()])
            .status()
            .expect("chmod");
        log
    }

    fn logged_args(log: &Path) -> Vec<String> {
        let bytes = std::fs::read(log).expect("args log");
        let text = String::from_utf8(bytes).expect("utf-8");
        text.split_terminator('\0').map(str::to_string).collect()
    }

    #[test]
    fn quoting_keeps_safe_values_readable() {
        assert_eq!(quote("restart").as_deref(), Ok("restart"));
        assert_eq!(
            quote("/var/cache/app-1.2").as_deref(),
            Ok("/var/cache/app-1.2")
        );
        assert_eq!(
            quote("x; touch /tmp/pwned").as_deref(),
            Ok("'x; touch /tmp/pwned'")
        );
        assert_eq!(quote("").as_deref(), Ok("''"));
        assert_eq!(quote("a\0b"), Err(NulByte));
        assert_eq!(quote_for_display("a\0b"), r#""a\\0b""#);
        assert_eq!(
            docker(ContainerAction::Restart, "x; touch /tmp/pwned").as_deref(),
            Ok("docker restart -- 'x; touch /tmp/pwned'")
        );
        assert_eq!(
            systemctl(ServiceAction::Reload, "nginx.service").as_deref(),
            Ok("systemctl reload -- nginx.service")
        );
    }

    #[test]
    fn docker_and_systemctl_get_each_value_as_one_argument() {
        for shell in shells() {
            let dir = tempfile::tempdir().expect("tempdir");
            let docker_log = shim(dir.path(), "docker");
            let systemctl_log = shim(dir.path(), "systemctl");
            let (marker, values) = hostile(dir.path());
            for value in &values {
                let line = docker(ContainerAction::Stop, value).expect("docker");
                let out = run(&shell, &line, Some(&dir.path().join("bin")));
                assert!(out.status.success(), "{shell:?} {line}: {out:?}");
                assert_eq!(logged_args(&docker_log), ["stop", "--", value.as_str()]);
                let line = systemctl(ServiceAction::Restart, value).expect("systemctl");
                let out = run(&shell, &line, Some(&dir.path().join("bin")));
                assert!(out.status.success(), "{shell:?} {line}: {out:?}");
                assert_eq!(
                    logged_args(&systemctl_log),
                    ["restart", "--", value.as_str()]
                );
            }
            assert!(!marker.exists(), "{shell:?}: a value ran a command");
        }
    }

    #[test]
    fn read_file_prints_bytes_and_tells_missing_from_unreadable() {
        for shell in shells() {
            let dir = tempfile::tempdir().expect("tempdir");
            let (marker, values) = hostile(dir.path());
            for (i, value) in values.iter().enumerate() {
                let name = format!("{i}-{}", value.replace('/', "_"));
                let path = dir.path().join(&name).display().to_string();
                let content = format!("{value}\nline two $(x) `y`\n\n");
                std::fs::write(&path, &content).expect("write");
                let out = run(&shell, &read_file(&path).expect("script"), None);
                assert_eq!(out.status.code(), Some(0), "{shell:?} {path:?}: {out:?}");
                assert_eq!(out.stdout, content.as_bytes(), "{shell:?} {path:?}");
            }
            assert!(!marker.exists(), "{shell:?}: a value ran a command");
            let missing = dir.path().join("nope").display().to_string();
            let out = run(&shell, &read_file(&missing).expect("script"), None);
            assert_eq!(out.status.code(), Some(MISSING), "{shell:?}");
            let folder = dir.path().display().to_string();
            let out = run(&shell, &read_file(&folder).expect("script"), None);
            assert_eq!(out.status.code(), Some(NOT_A_FILE), "{shell:?}");
            // A regular file whose read fails even for root (EIO at offset 0).
            let out = run(&shell, &read_file("/proc/self/mem").expect("script"), None);
            assert_eq!(out.status.code(), Some(UNREADABLE), "{shell:?}: {out:?}");
            if !is_root() {
                let locked = dir.path().join("locked");
                std::fs::write(&locked, "secret").expect("write");
                set_mode(&locked, 0o000);
                let path = locked.display().to_string();
                let out = run(&shell, &read_file(&path).expect("script"), None);
                assert_eq!(out.status.code(), Some(UNREADABLE), "{shell:?}");
            }
        }
    }

    #[test]
    fn write_file_is_byte_exact_for_hostile_paths_and_content() {
        let big: String = (0..40_000)
            .map(|i| format!("{i} ' \" $ ` \\ é\n"))
            .collect();
        for shell in shells() {
            let dir = tempfile::tempdir().expect("tempdir");
            let (marker, values) = hostile(dir.path());
            let mut contents = values.clone();
            contents.push(big.clone());
            contents.push("no trailing newline".to_string());
            contents.push("\n\n".to_string());
            for (i, value) in values.iter().enumerate() {
                let name = format!("{i}-{}", value.replace('/', "_"));
                let path = dir.path().join(&name).display().to_string();
                for content in [&contents[i], &big] {
                    let out = run(&shell, &write_file(&path, content).expect("script"), None);
                    assert_eq!(out.status.code(), Some(0), "{shell:?} {path:?}: {out:?}");
                    let written = std::fs::read(&path).expect("read back");
                    assert!(written == content.as_bytes(), "{shell:?} {path:?}");
                }
            }
            for content in &contents[values.len()..] {
                let path = dir.path().join("plain.conf").display().to_string();
                let out = run(&shell, &write_file(&path, content).expect("script"), None);
                assert_eq!(out.status.code(), Some(0), "{shell:?}: {out:?}");
                assert!(std::fs::read(&path).expect("read") == content.as_bytes());
            }
            assert!(!marker.exists(), "{shell:?}: a value ran a command");
            let leftovers: Vec<_> = std::fs::read_dir(dir.path())
                .expect("list")
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with(".medic-write"))
                .collect();
            assert!(leftovers.is_empty(), "{shell:?}: {leftovers:?}");
        }
    }

    #[test]
    fn write_file_keeps_the_mode_and_refuses_what_it_must_not_replace() {
        for shell in shells() {
            let dir = tempfile::tempdir().expect("tempdir");
            let file = dir.path().join("app.conf");
            std::fs::write(&file, "old").expect("write");
            set_mode(&file, 0o640);
            if is_root() {
                std::os::unix::fs::chown(&file, Some(1234), Some(4321)).expect("chown");
            }
            let path = file.display().to_string();
            let out = run(&shell, &write_file(&path, "new\n").expect("script"), None);
            assert_eq!(out.status.code(), Some(0), "{shell:?}: {out:?}");
            assert_eq!(std::fs::read_to_string(&file).expect("read"), "new\n");
            assert_eq!(mode(&file), 0o640, "{shell:?}");
            if is_root() {
                use std::os::unix::fs::MetadataExt;
                let meta = std::fs::metadata(&file).expect("stat");
                assert_eq!((meta.uid(), meta.gid()), (1234, 4321), "{shell:?}");
            }

            let link = dir.path().join("link.conf");
            std::os::unix::fs::symlink(&file, &link).expect("symlink");
            let script = write_file(&link.display().to_string(), "x").expect("script");
            let out = run(&shell, &script, None);
            assert_eq!(out.status.code(), Some(NOT_A_FILE), "{shell:?}");
            assert_eq!(std::fs::read_to_string(&file).expect("read"), "new\n");

            let folder = dir.path().join("folder");
            std::fs::create_dir(&folder).expect("mkdir");
            let script = write_file(&folder.display().to_string(), "x").expect("script");
            assert_eq!(run(&shell, &script, None).status.code(), Some(NOT_A_FILE));

            let orphan = dir.path().join("no-such-dir/x.conf").display().to_string();
            let script = write_file(&orphan, "x").expect("script");
            assert_eq!(run(&shell, &script, None).status.code(), Some(MISSING));

            // A directory nobody can create files in, not even root.
            let script = write_file("/proc/medic-test.conf", "x").expect("script");
            let out = run(&shell, &script, None);
            assert_eq!(out.status.code(), Some(UNWRITABLE), "{shell:?}: {out:?}");
            if !is_root() {
                let locked = dir.path().join("locked");
                std::fs::create_dir(&locked).expect("mkdir");
                set_mode(&locked, 0o555);
                let target = locked.join("x.conf").display().to_string();
                let script = write_file(&target, "x").expect("script");
                let out = run(&shell, &script, None);
                assert_eq!(out.status.code(), Some(UNWRITABLE), "{shell:?}: {out:?}");
                set_mode(&locked, 0o755);
            }
        }
    }

    /// As root, permissions are checked by dropping to `nobody` with `setpriv`.
    #[test]
    fn permission_denied_is_unreadable_or_unwritable() {
        let setpriv = Path::new("/usr/bin/setpriv");
        if !is_root() || !setpriv.exists() {
            return;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        set_mode(dir.path(), 0o755);
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "secret").expect("write");
        set_mode(&secret, 0o600);
        let nobody = [
            "/usr/bin/setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ];
        for shell in shells() {
            let as_nobody: Vec<&str> = nobody
                .iter()
                .copied()
                .chain(shell.iter().copied())
                .collect();
            let path = secret.display().to_string();
            let out = run(&as_nobody, &read_file(&path).expect("script"), None);
            assert_eq!(out.status.code(), Some(UNREADABLE), "{shell:?}: {out:?}");
            let out = run(&as_nobody, &write_file(&path, "x").expect("script"), None);
            assert_eq!(out.status.code(), Some(UNWRITABLE), "{shell:?}: {out:?}");
            assert_eq!(std::fs::read_to_string(&secret).expect("read"), "secret");
        }
    }

    #[test]
    fn chunks_cut_at_character_boundaries() {
        let text = "aé✓b".repeat(5);
        for max in 1..8 {
            let pieces: Vec<&str> = chunks(&text, max).collect();
            assert_eq!(pieces.concat(), text);
            assert!(pieces.iter().all(|p| !p.is_empty()));
        }
        assert_eq!(chunks("", 4).count(), 0);
    }

    fn is_root() -> bool {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
    }

    fn set_mode(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }

    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).expect("stat").permissions().mode() & 0o7777
    }
}
