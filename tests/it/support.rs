//! What every end-to-end test needs besides the lab: an ops repository (a
//! real Git repository with an inventory), the medic binary run against it,
//! and readers for its database and Git history.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use medic::store::{self, IncidentRecord};
use tempfile::TempDir;

/// A fresh ops repository: `inventory/hosts.yaml` committed by a person.
pub struct Ops {
    dir: TempDir,
}

impl Ops {
    pub fn new(inventory: &str) -> Ops {
        let dir = tempfile::Builder::new()
            .prefix("medic-ops-")
            .tempdir()
            .expect("temp dir for the ops repo");
        let ops = Ops { dir };
        ops.git(&["init", "-q", "-b", "main"]);
        ops.git(&["config", "user.name", "Ada Operator"]);
        ops.git(&["config", "user.email", "ada@example.test"]);
        ops.write("inventory/hosts.yaml", inventory);
        ops.write(".gitignore", "/.medic/\n");
        ops.git(&["add", "-A"]);
        ops.git(&["commit", "-qm", "inventory"]);
        ops
    }

    /// An ops repository with the shipped playbooks and diagnosis rules, like a fork of
    /// this project would have.
    pub fn with_playbooks(inventory: &str) -> Ops {
        let ops = Ops::new(inventory);
        for folder in ["playbooks", "diagnoses"] {
            let library = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
            for entry in std::fs::read_dir(&library).expect("the shipped library") {
                let path = entry.expect("a library file").path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    let name = path
                        .file_name()
                        .expect("a file name")
                        .to_string_lossy()
                        .into_owned();
                    let text = std::fs::read_to_string(&path).expect("read a library file");
                    ops.write(&format!("{folder}/{name}"), &text);
                }
            }
        }
        ops.git(&["add", "-A"]);
        ops.git(&["commit", "-qm", "playbooks"]);
        ops
    }

    /// Commits `content` at `relative` as the person of this repository.
    pub fn commit_file(&self, relative: &str, content: &str, message: &str) {
        self.write(relative, content);
        self.git(&["add", relative]);
        self.git(&["commit", "-qm", message]);
    }

    /// The report of an incident, as committed.
    pub fn report_of(&self, incident: i64) -> String {
        let files = self.git(&["ls-files", "reports/incidents"]);
        let prefix = format!("{incident:05}-");
        let path = files
            .lines()
            .find(|l| {
                l.rsplit('/')
                    .next()
                    .is_some_and(|name| name.starts_with(&prefix))
            })
            .unwrap_or_else(|| panic!("no committed report for #{incident} in:\n{files}"));
        self.read(path)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, relative: &str, content: &str) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("a file has a parent")).expect("mkdir");
        std::fs::write(&path, content).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    pub fn read(&self, relative: &str) -> String {
        let path = self.path().join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(medic_bin());
        command
            .arg("--repo")
            .arg(self.path())
            .args(args)
            .env_remove("MEDIC_DB")
            .env_remove("MEDIC_REPO");
        command
    }

    /// Runs medic to completion.
    pub fn medic(&self, args: &[&str]) -> Run {
        Run(self.command(args).output().expect("medic runs"))
    }

    /// Runs medic and asserts exit code 0.
    pub fn medic_ok(&self, args: &[&str]) -> Run {
        let run = self.medic(args);
        assert_eq!(run.code(), 0, "medic {args:?} failed:\n{run}");
        run
    }

    pub fn spawn_medic(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("medic starts")
    }

    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Commit subjects, newest first.
    pub fn subjects(&self) -> Vec<String> {
        self.git(&["log", "--format=%s"])
            .lines()
            .map(String::from)
            .collect()
    }

    pub fn db_path(&self) -> PathBuf {
        self.path().join(".medic/medic.db")
    }

    pub fn db(&self) -> rusqlite::Connection {
        store::open(&self.db_path()).expect("the database opens")
    }

    pub fn incidents(&self) -> Vec<IncidentRecord> {
        let mut all = store::incidents(&self.db(), true).expect("incidents");
        all.reverse();
        all
    }

    pub fn open_incidents(&self) -> Vec<IncidentRecord> {
        self.incidents()
            .into_iter()
            .filter(|i| i.is_open())
            .collect()
    }

    pub fn runs(&self) -> i64 {
        self.db()
            .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
            .expect("count runs")
    }
}

/// How many `docker restart` a host's shim was asked for.
pub fn restarts(calls: &[String]) -> usize {
    calls
        .iter()
        .filter(|c| c.starts_with("docker restart "))
        .count()
}

pub fn medic_bin() -> &'static str {
    env!("CARGO_BIN_EXE_medic")
}

/// The output of one medic invocation, printed in full when an assertion fails.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code(),
            self.stdout(),
            self.stderr()
        )
    }
}
