//! Random hex strings from the kernel: lab ids, container ids and image ids
//! that must not collide between labs running in parallel.

use std::fs::File;
use std::io::Read;

/// `bytes` random bytes as lowercase hex (`2 * bytes` characters).
pub(super) fn hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .expect("/dev/urandom is readable on Linux");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
