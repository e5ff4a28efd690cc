//! Builds the POSIX `sh` probe script.
//!
//! Takes: a [`ProbeSpec`] and a per-run nonce.
//! Gives: one script (dash / BusyBox ash / any POSIX sh; builtins plus `cat`,
//! `df`, `timeout` when present, `docker`, `systemctl`) whose stdout is a
//! sequence of nonce-delimited sections, read back by `frame.rs`:
//!
//! ```text
//! @@medic-N probe 1 timeout=5 timeout-cmd=std
//! @@medic-N begin disks
//! @@medic-N part df
//! <stdout of the command>
//! @@medic-N stderr
//! <stderr of the command>
//! @@medic-N status 0
//! @@medic-N end disks 0
//! ```
//!
//! A section may instead hold `@@medic-N skipped` (not requested) or
//! `@@medic-N missing <tool>` (tool not installed). Probed tools run under
//! `timeout`; a timeout is always reported as status 124.

use super::ProbeSpec;

/// Properties asked of `systemctl show`.
pub const UNIT_PROPERTIES: &str = "Id,LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,\
ExecMainCode,ActiveEnterTimestamp,ExecMainExitTimestamp,MemoryCurrent";

/// Shell variables and helper functions shared by every section.
const PRELUDE: &str = r#"export LC_ALL=C
unset IFS
set -f
exec 3>&1
if command -v timeout >/dev/null 2>&1; then
  case $(timeout --help 2>&1 </dev/null) in
    *BusyBox*'-t SECS'*) TK=busybox-old ;;
    *BusyBox*) TK=busybox ;;
    *) TK=std ;;
  esac
else
  TK=none
fi
printf '%s probe 1 timeout=%s timeout-cmd=%s\n' "$M" "$T" "$TK"
m_t() {
  case $TK in
    none) "$@"; return ;;
    busybox-old) timeout -t "$T" "$@" ;;
    *) timeout -k 2 "$T" "$@" ;;
  esac
  m_s=$?
  case $TK:$m_s in
    *:124|*:137|busybox*:143) m_s=124 ;;
  esac
  return $m_s
}
m_part() {
  printf '%s part %s\n' "$M" "$1"
  shift
  m_e=$("$@" 2>&1 1>&3 3>&- </dev/null)
  m_s=$?
  printf '\n%s stderr\n%s\n%s status %s\n' "$M" "$m_e" "$M" "$m_s"
  [ "$m_rc" -ne 0 ] || m_rc=$m_s
}
m_begin() { printf '%s begin %s\n' "$M" "$1"; m_rc=0; }
m_end() { printf '%s end %s %s\n' "$M" "$1" "$m_rc"; }
m_skip() { printf '%s begin %s\n%s skipped\n%s end %s 0\n' "$M" "$1" "$M" "$M" "$1"; }
m_begin hostname
if [ -r /proc/sys/kernel/hostname ]; then
  m_part cat cat /proc/sys/kernel/hostname
elif [ -n "${HOSTNAME:-}" ]; then
  m_part env printf '%s\n' "$HOSTNAME"
else
  m_part uname uname -n
fi
m_end hostname
"#;

const CONTAINERS: &str = r#"m_begin containers
if command -v docker >/dev/null 2>&1; then
  m_part ps m_t docker ps -a --no-trunc --size=false --format '{{json .}}'
  if [ "$m_rc" -eq 0 ]; then
    m_ids=$(m_t docker ps -aq --no-trunc 2>&1 </dev/null)
    m_s=$?
    printf '%s part ids\n%s\n%s stderr\n\n%s status %s\n' "$M" "$m_ids" "$M" "$M" "$m_s"
    if [ "$m_s" -ne 0 ]; then
      m_rc=$m_s
    elif [ -n "$m_ids" ]; then
      m_part inspect m_t docker inspect --type container $m_ids
    fi
  fi
else
  printf '%s missing docker\n' "$M"
fi
m_end containers
"#;

const HOST: &str = r#"m_begin disks
m_part df m_t df -PTk
m_end disks
m_begin memory
m_part cat cat /proc/meminfo
m_end memory
m_begin load
m_part cat cat /proc/loadavg
m_end load
m_begin uptime
m_part cat cat /proc/uptime
m_end uptime
"#;

/// The probe script for `spec`. `nonce` should be fresh per run and made of
/// `[A-Za-z0-9_-]` (see [`new_nonce`]); it is quoted, so any text is safe,
/// but a line break in it would make every section unreadable.
pub fn script(spec: &ProbeSpec, nonce: &str) -> String {
    let mut out = String::with_capacity(PRELUDE.len() + CONTAINERS.len() + HOST.len() + 512);
    out.push_str("# medic probe\n");
    out.push_str(&format!("M=@@medic-{}\n", sh_quote(nonce)));
    out.push_str(&format!("T={}\n", spec.section_timeout_secs.max(1)));
    out.push_str(PRELUDE);
    if spec.containers {
        out.push_str(CONTAINERS);
    } else {
        out.push_str("m_skip containers\n");
    }
    if spec.units.is_empty() {
        out.push_str("m_skip units\n");
    } else {
        let names: Vec<String> = spec.units.iter().map(|u| sh_quote(u)).collect();
        out.push_str("m_begin units\nif command -v systemctl >/dev/null 2>&1; then\n");
        out.push_str(&format!(
            "  m_part show m_t systemctl show --no-pager -p {UNIT_PROPERTIES} -- {}\n",
            names.join(" ")
        ));
        out.push_str("else\n  printf '%s missing systemctl\\n' \"$M\"\nfi\nm_end units\n");
    }
    out.push_str(HOST);
    out
}

/// Single-quotes `word` for sh: `'` becomes `'\''`, NUL bytes are dropped
/// (they cannot occur in an argument). Everything else is inert inside.
pub fn sh_quote(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    out.push('\'');
    for c in word.chars().filter(|&c| c != '\0') {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// A fresh 32-hex-digit nonce from std's randomly keyed SipHash (no extra
/// dependency), the clock, the process id and a counter.
pub fn new_nonce() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let half = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(nanos);
        h.write_u32(std::process::id());
        h.write_u64(count);
        h.finish()
    };
    format!("{:016x}{:016x}", half(), half())
}
