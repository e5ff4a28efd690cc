//! What a shim host's `docker`, `systemctl` and `df` report, changed by the
//! test: containers, units and disks, rendered into the state directory.
//! A container or unit is written beside its old state and renamed over it,
//! so a shim never reads half of one.

use std::fs;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::disk::{self, Disk};
use super::fake_container::FakeContainer;
use super::fake_unit::FakeUnit;
use super::host::{Host, lock};
use super::random;
use super::state_fs;

impl Host {
    // ----- containers -------------------------------------------------

    /// Adds the container, or replaces the state of the one with that name
    /// (keeping its id unless the new one sets `.id()`).
    pub fn set_container(&self, c: FakeContainer) -> &Self {
        self.require_shim("set_container");
        let mut inner = lock(&self.inner);
        let previous = inner.containers.get(c.name()).cloned();
        let id = c
            .explicit_id()
            .map(str::to_string)
            .or_else(|| previous.clone())
            .unwrap_or_else(|| random::hex(32));
        let rendered = c.render(&id, Timestamp::now());
        let owner = self.owner();
        let containers = self.state.join("containers");
        let staging = containers.join(format!(".new-{id}"));
        state_fs::remove(&staging);
        fs::create_dir(&staging).unwrap_or_else(|e| panic!("mkdir {}: {e}", staging.display()));
        let write = |path: PathBuf, text: &str| {
            fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        };
        write(staging.join("name"), &format!("{}\n", c.name()));
        write(staging.join("logs"), c.log_text());
        let snapshots = std::iter::once(("", &rendered.current))
            .chain(rendered.variants.iter().map(|(dir, s)| (*dir, s)));
        for (sub, snap) in snapshots {
            let d = staging.join(sub);
            fs::create_dir_all(&d).unwrap_or_else(|e| panic!("mkdir {}: {e}", d.display()));
            write(d.join("state"), &format!("{}\n", snap.state));
            write(d.join("ps.json"), &format!("{}\n", snap.ps_json));
            write(d.join("inspect.json"), &snap.inspect_json);
        }
        if c.is_keeps_dying() {
            write(staging.join("restart-fails"), "");
        }
        owner.chown_tree(&staging);
        state_fs::chmod(&staging, 0o755);
        if let Some(old) = previous.filter(|old| *old != id) {
            state_fs::remove(&containers.join(old));
        }
        replace_dir(&staging, &containers.join(&id));
        inner.containers.insert(c.name().to_string(), id);
        self
    }

    /// Removes the container (as `docker rm` would).
    pub fn remove_container(&self, name: &str) -> &Self {
        self.require_shim("remove_container");
        let mut inner = lock(&self.inner);
        let id = inner
            .containers
            .remove(name)
            .unwrap_or_else(|| panic!("host {:?} has no container {name:?}", self.name));
        state_fs::remove(&self.state.join("containers").join(id));
        self
    }

    /// The container's id.
    pub fn container_id(&self, name: &str) -> Option<String> {
        lock(&self.inner).containers.get(name).cloned()
    }

    /// The container's `State.Status` now (`running`, `exited`, ...), as
    /// the shim would report it after any restarts it applied.
    pub fn container_state(&self, name: &str) -> Option<String> {
        let id = self.container_id(name)?;
        let text = fs::read_to_string(self.state.join("containers").join(id).join("state")).ok()?;
        Some(text.trim().to_string())
    }

    // ----- units --------------------------------------------------------

    /// Adds the unit, or replaces the one with that name.
    pub fn set_unit(&self, u: FakeUnit) -> &Self {
        let mut inner = lock(&self.inner);
        let key = match inner.units.get(u.name()) {
            Some(key) => key.clone(),
            None => {
                inner.next_unit += 1;
                format!("u{}", inner.next_unit)
            }
        };
        let rendered = u.render(Timestamp::now());
        let units = self.state.join("units");
        let staging = units.join(format!(".new-{key}"));
        state_fs::remove(&staging);
        let write = |path: PathBuf, text: &str| {
            fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        };
        fs::create_dir(&staging).unwrap_or_else(|e| panic!("mkdir {}: {e}", staging.display()));
        write(staging.join("name"), &format!("{}\n", u.name()));
        let snapshots = std::iter::once(("", &rendered.current))
            .chain(rendered.variants.iter().map(|(dir, s)| (*dir, s)));
        for (sub, snap) in snapshots {
            let d = staging.join(sub);
            fs::create_dir_all(&d).unwrap_or_else(|e| panic!("mkdir {}: {e}", d.display()));
            write(d.join("state"), &format!("{}\n", snap.state));
            write(d.join("show"), &snap.show);
            write(d.join("show-unix"), &snap.show_unix);
        }
        if u.is_keeps_failing() {
            write(staging.join("restart-fails"), "");
        }
        self.owner().chown_tree(&staging);
        state_fs::chmod(&staging, 0o755);
        replace_dir(&staging, &units.join(&key));
        inner.units.insert(u.name().to_string(), key);
        self
    }

    /// Removes the unit (systemctl then reports it not found).
    pub fn remove_unit(&self, name: &str) -> &Self {
        let mut inner = lock(&self.inner);
        let key = inner
            .units
            .remove(name)
            .unwrap_or_else(|| panic!("host {:?} has no unit {name:?}", self.name));
        state_fs::remove(&self.state.join("units").join(key));
        self
    }

    /// The unit's `ActiveState` now.
    pub fn unit_state(&self, name: &str) -> Option<String> {
        let key = lock(&self.inner).units.get(name).cloned()?;
        let text = fs::read_to_string(self.state.join("units").join(key).join("state")).ok()?;
        Some(text.trim().to_string())
    }

    /// The declared units' names, in name order.
    pub fn unit_names(&self) -> Vec<String> {
        lock(&self.inner).units.keys().cloned().collect()
    }

    // ----- disks --------------------------------------------------------

    /// Sets (or adds) the filesystem at `mount`: `total` bytes, `used` used.
    pub fn set_disk(&self, mount: &str, total: u64, used: u64) -> &Self {
        self.set_mount(Disk::new(mount, total, used))
    }

    /// What `docker image prune` on this host leaves: the filesystems after
    /// it freed space (the disks as they are now, with `mount` at `used`).
    pub fn prune_frees(&self, mount: &str, used: u64) -> &Self {
        let disks: Vec<Disk> = lock(&self.inner)
            .disks
            .iter()
            .map(|d| {
                if d.mount() == mount {
                    d.with_used(used)
                } else {
                    d.clone()
                }
            })
            .collect();
        let dir = self.state.join("after-prune");
        self.owner().mkdir(&dir);
        for (file, text) in disk::render_all(&disks) {
            self.owner().write(&dir.join(file), text);
        }
        self
    }

    /// Sets (or adds) a filesystem with a chosen device or type.
    pub fn set_mount(&self, d: Disk) -> &Self {
        let mut inner = lock(&self.inner);
        disk::upsert(&mut inner.disks, d);
        self.write_disks(&inner.disks);
        self
    }

    /// Removes the filesystem at `mount`.
    pub fn remove_disk(&self, mount: &str) -> &Self {
        let mut inner = lock(&self.inner);
        inner.disks.retain(|d| d.mount() != mount);
        self.write_disks(&inner.disks);
        self
    }

    pub(super) fn write_disks(&self, disks: &[Disk]) {
        for (file, text) in disk::render_all(disks) {
            self.owner().write(&self.state.join(file), text);
        }
    }
}

/// Moves `staging` to `target`, replacing what was there.
fn replace_dir(staging: &Path, target: &Path) {
    let name = target
        .file_name()
        .expect("state dirs have a name")
        .to_string_lossy();
    let old = target.with_file_name(format!(".old-{name}"));
    state_fs::remove(&old);
    if target.exists() {
        fs::rename(target, &old).unwrap_or_else(|e| panic!("rename {}: {e}", target.display()));
    }
    fs::rename(staging, target).unwrap_or_else(|e| panic!("rename {}: {e}", staging.display()));
    state_fs::remove(&old);
}

/// Whether the fake container `name` runs, read straight from a host's state
/// directory (for threads that cannot hold the `Lab`, e.g. a fake app that
/// answers according to its database).
pub fn container_running_in(state_dir: &Path, name: &str) -> bool {
    let Ok(entries) = fs::read_dir(state_dir.join("containers")) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let dir = entry.path();
        fs::read_to_string(dir.join("name")).is_ok_and(|n| n.trim() == name)
            && fs::read_to_string(dir.join("state")).is_ok_and(|s| s.trim() == "running")
    })
}
