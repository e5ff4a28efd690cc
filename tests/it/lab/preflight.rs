//! What the machine must provide before a lab can start: root, `sshd`, the
//! login user `medic-lab` and, for real-docker hosts, the Docker Engine and
//! the local image. Missing parts panic with a message naming the setup
//! script: a test that cannot run its lab must fail, never skip silently.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The script that prepares a machine for the lab.
pub const SETUP_SCRIPT: &str = "scripts/lab-setup.sh";
/// The account every lab host logs in as (light `/bin/sh`, key login only).
pub const LAB_USER: &str = "medic-lab";
/// The local image real containers run from (`docker import` of busybox).
pub const LAB_IMAGE: &str = "medic-lab/busybox:latest";

pub(super) const SSHD: &str = "/usr/sbin/sshd";
pub(super) const SSH_KEYGEN: &str = "/usr/bin/ssh-keygen";
/// Debian's nginx (package nginx), for hosts declared with `.nginx(..)`.
pub(super) const NGINX: &str = "/usr/sbin/nginx";
/// Where the real docker CLI may live: Debian's `docker.io` package, then
/// Docker's static release binaries.
const DOCKER_CANDIDATES: &[&str] = &["/usr/bin/docker", "/usr/local/bin/docker"];

/// The real docker CLI: the harness runs it, and real-docker hosts have a
/// link to it on their `PATH`. (The development machine has both: Debian's
/// 20.10 CLI in /usr/bin, whose `ps` JSON has no `Platform` key, and a 28.2
/// CLI in /usr/local/bin, first on root's `PATH`, which prints
/// `"Platform":null`.)
pub(super) fn docker_cli() -> &'static Path {
    static CLI: OnceLock<&'static Path> = OnceLock::new();
    CLI.get_or_init(|| {
        let found = DOCKER_CANDIDATES.iter().map(Path::new).find(|p| p.exists());
        found.unwrap_or(Path::new(DOCKER_CANDIDATES[0]))
    })
}

/// The login user as found in `/etc/passwd`.
#[derive(Debug)]
pub(super) struct LabUser {
    pub(super) uid: u32,
    pub(super) gid: u32,
}

fn missing(what: &str) -> ! {
    panic!(
        "medic lab: {what}; prepare this machine once with `sudo {SETUP_SCRIPT}` \
         (it installs openssh-server, nginx and busybox-static, creates the user \
         `{LAB_USER}` and builds the image `{LAB_IMAGE}`)"
    )
}

/// Checks root, sshd, ssh-keygen, `/run/sshd` and the login user (once per
/// process) and returns the user.
pub(super) fn hosts() -> &'static LabUser {
    static USER: OnceLock<Result<LabUser, String>> = OnceLock::new();
    match USER.get_or_init(check_hosts) {
        Ok(user) => user,
        Err(what) => missing(what),
    }
}

/// Checks the Docker Engine, the image and the user's `docker` group (once per
/// process).
pub(super) fn real_docker() {
    static DOCKER_OK: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(what) = DOCKER_OK.get_or_init(check_docker) {
        missing(what)
    }
}

/// Checks that nginx is installed.
pub(super) fn nginx() {
    if !Path::new(NGINX).exists() {
        missing(&format!("`{NGINX}` is missing (package nginx)"))
    }
}

fn check_hosts() -> Result<LabUser, String> {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .unwrap_or("");
    if euid != "0" {
        return Err("the lab must run as root (sshd logs in as another user)".into());
    }
    for (path, package) in [(SSHD, "openssh-server"), (SSH_KEYGEN, "openssh-client")] {
        if !Path::new(path).exists() {
            return Err(format!("`{path}` is missing (package {package})"));
        }
    }
    if !Path::new("/run/sshd").is_dir() {
        return Err("`/run/sshd` (sshd's privilege separation directory) is missing".into());
    }
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    let entry = passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() >= 7 && f[0] == LAB_USER)
        .ok_or_else(|| format!("the user `{LAB_USER}` does not exist"))?;
    let uid = entry[2]
        .parse()
        .map_err(|_| format!("bad uid for `{LAB_USER}`"))?;
    let gid = entry[3]
        .parse()
        .map_err(|_| format!("bad gid for `{LAB_USER}`"))?;
    if !PathBuf::from(entry[6]).ends_with("sh") {
        return Err(format!("`{LAB_USER}` must have the shell /bin/sh"));
    }
    if let Ok(shadow) = fs::read_to_string("/etc/shadow") {
        let locked = shadow
            .lines()
            .map(|l| l.split(':').collect::<Vec<_>>())
            .any(|f| f.len() > 1 && f[0] == LAB_USER && f[1].starts_with('!'));
        if locked {
            return Err(format!(
                "`{LAB_USER}` is locked (sshd with UsePAM no refuses it)"
            ));
        }
    }
    Ok(LabUser { uid, gid })
}

fn check_docker() -> Result<(), String> {
    let docker = docker_cli();
    if !docker.exists() {
        return Err(format!(
            "the docker CLI is missing ({}; the lab needs a Docker Engine)",
            DOCKER_CANDIDATES.join(" or ")
        ));
    }
    let groups = fs::read_to_string("/etc/group").unwrap_or_default();
    let in_docker = groups.lines().any(|l| {
        let f: Vec<_> = l.split(':').collect();
        f.len() == 4 && f[0] == "docker" && f[3].split(',').any(|m| m == LAB_USER)
    });
    if !in_docker {
        return Err(format!("`{LAB_USER}` is not in the group `docker`"));
    }
    check_image(docker, LAB_IMAGE)
}

fn check_image(docker: &Path, image: &str) -> Result<(), String> {
    let out = Command::new(docker)
        .args(["image", "inspect", "--format", "{{.Id}}", image])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", docker.display()))?;
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("No such image") {
        return Err(format!("the image `{image}` is missing"));
    }
    Err(format!("the Docker Engine does not answer: {}", err.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "`sudo scripts/lab-setup.sh`")]
    fn a_missing_part_names_the_setup_script() {
        missing("the image `x` is missing")
    }

    #[test]
    fn a_missing_image_is_reported_as_missing() {
        let err =
            check_image(docker_cli(), "medic-lab/never-built:none").expect_err("no such image");
        assert_eq!(err, "the image `medic-lab/never-built:none` is missing");
        check_image(docker_cli(), LAB_IMAGE).expect("lab-setup.sh built it");
    }
}
