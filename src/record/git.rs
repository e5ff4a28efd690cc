//! The ops repository as Git. Writes: commits a set of files (reports,
//! STATUS.md, approvals, PAUSE) on top of HEAD without touching anything a
//! person has staged, and only when the tree changes. Reads: files as
//! committed at HEAD (what people decided, not what is lying uncommitted in
//! the work tree) and who last changed them.

use std::path::{Path, PathBuf};

use git2::{FileMode, Oid, Repository, Signature, build::TreeUpdateBuilder};

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error(
        "`{path}` is not inside a git repository (run `git init` there, or pass --repo): {source}"
    )]
    NotARepository { path: PathBuf, source: git2::Error },
    #[error("repository `{path}` has no working tree (a bare repository cannot hold reports)")]
    Bare { path: PathBuf },
    #[error(
        "git does not know who you are: set `git config user.name` and `user.email` in the ops repository \
         (the committer is recorded as the person who decided)"
    )]
    NoIdentity,
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub struct OpsRepo {
    repo: Repository,
    /// Scrubs every file and message before it is committed.
    redactor: crate::redact::Redactor,
    /// The `--repo` directory, which may be below the Git work tree's root.
    root: PathBuf,
    /// `root` relative to the work tree's root.
    prefix: PathBuf,
}

/// A change medic makes to a file, relative to the ops repository root:
/// new content, or `None` to delete it.
#[derive(Debug)]
pub struct RepoFile {
    pub path: PathBuf,
    pub content: Option<String>,
}

impl RepoFile {
    pub fn write(path: impl Into<PathBuf>, content: String) -> RepoFile {
        RepoFile {
            path: path.into(),
            content: Some(content),
        }
    }

    pub fn remove(path: impl Into<PathBuf>) -> RepoFile {
        RepoFile {
            path: path.into(),
            content: None,
        }
    }
}

/// One commit that changed a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub commit: String,
    /// `Name <email>`.
    pub author: String,
    pub message: String,
}

/// Who a commit is by.
pub enum Author {
    /// medic itself, for its reports and requests.
    Medic,
    /// The person running the command, from git's `user.name`/`user.email`.
    Person,
}

/// The name medic commits under; commits by it never count as a person's decision.
pub const MEDIC_NAME: &str = "medic";

impl OpsRepo {
    pub fn open(root: &Path) -> Result<OpsRepo, GitError> {
        let repo = Repository::discover(root).map_err(|source| GitError::NotARepository {
            path: root.to_path_buf(),
            source,
        })?;
        let workdir = repo.workdir().ok_or_else(|| GitError::Bare {
            path: root.to_path_buf(),
        })?;
        let workdir = workdir
            .canonicalize()
            .unwrap_or_else(|_| workdir.to_path_buf());
        let root_abs = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let prefix = root_abs
            .strip_prefix(&workdir)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Ok(OpsRepo {
            repo,
            redactor: crate::redact::Redactor::defaults(),
            root: root.to_path_buf(),
            prefix,
        })
    }

    /// Uses `redactor` (the defaults plus the inventory's patterns) for
    /// everything committed from now on.
    pub fn with_redactor(self, redactor: crate::redact::Redactor) -> OpsRepo {
        OpsRepo { redactor, ..self }
    }

    /// Commits `files` with `message` if they change the tree; writes them to
    /// the working tree and index either way. Returns the new commit, if any.
    pub fn commit_files(&self, files: &[RepoFile], message: &str) -> Result<Option<Oid>, GitError> {
        self.commit_files_as(files, message, Author::Medic)
    }

    pub fn commit_files_as(
        &self,
        files: &[RepoFile],
        message: &str,
        author: Author,
    ) -> Result<Option<Oid>, GitError> {
        // Nothing reaches Git unredacted: files and the message alike.
        let redacted: Vec<RepoFile> = files
            .iter()
            .map(|f| RepoFile {
                path: f.path.clone(),
                content: f
                    .content
                    .as_deref()
                    .map(|c| self.redactor.redact(c).into_owned()),
            })
            .collect();
        let files = redacted.as_slice();
        let message = self.redactor.redact(message);
        let message = message.as_ref();
        let head = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let base_tree = match &head {
            Some(commit) => commit.tree()?,
            None => self.repo.find_tree(self.repo.treebuilder(None)?.write()?)?,
        };
        let mut updates = TreeUpdateBuilder::new();
        for file in files {
            let path = self.git_path(&file.path);
            match &file.content {
                Some(content) => {
                    let blob = self.repo.blob(content.as_bytes())?;
                    updates.upsert(path, blob, FileMode::Blob);
                }
                None => {
                    updates.remove(path);
                }
            }
        }
        let tree_id = updates.create_updated(&self.repo, &base_tree)?;
        let commit = if tree_id == base_tree.id() {
            None
        } else {
            let tree = self.repo.find_tree(tree_id)?;
            let signature = match author {
                Author::Medic => medic_signature()?,
                Author::Person => self.repo.signature().map_err(|_| GitError::NoIdentity)?,
            };
            let parents: Vec<&git2::Commit> = head.iter().collect();
            Some(self.repo.commit(
                Some("HEAD"),
                &signature,
                &signature,
                message,
                &tree,
                &parents,
            )?)
        };
        self.write_worktree(files)?;
        Ok(commit)
    }

    /// The name and email git would commit a person's decision under.
    pub fn person(&self) -> Result<String, GitError> {
        let signature = self.repo.signature().map_err(|_| GitError::NoIdentity)?;
        Ok(format_person(&signature))
    }

    /// A file's content at HEAD, if it is committed there.
    pub fn committed(&self, path: &Path) -> Result<Option<String>, GitError> {
        let Some(tree) = self.head_tree()? else {
            return Ok(None);
        };
        let Ok(entry) = tree.get_path(Path::new(&self.git_path(path))) else {
            return Ok(None);
        };
        let blob = self.repo.find_blob(entry.id())?;
        Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
    }

    /// The files committed at HEAD directly under `dir`, with their content.
    pub fn committed_dir(&self, dir: &Path) -> Result<Vec<(PathBuf, String)>, GitError> {
        let Some(tree) = self.head_tree()? else {
            return Ok(Vec::new());
        };
        let Ok(entry) = tree.get_path(Path::new(&self.git_path(dir))) else {
            return Ok(Vec::new());
        };
        let Ok(subtree) = self.repo.find_tree(entry.id()) else {
            return Ok(Vec::new());
        };
        let mut files = Vec::new();
        for item in subtree.iter() {
            if item.kind() != Some(git2::ObjectType::Blob) {
                continue;
            }
            let Ok(name) = item.name() else { continue };
            let blob = self.repo.find_blob(item.id())?;
            files.push((
                dir.join(name),
                String::from_utf8_lossy(blob.content()).into_owned(),
            ));
        }
        files.sort();
        Ok(files)
    }

    /// The author (`Name <email>`) of the newest commit that changed `path`.
    pub fn last_author(&self, path: &Path) -> Result<Option<String>, GitError> {
        Ok(self.last_change(path)?.map(|c| c.author))
    }

    /// The newest commit that changed `path`: who, which, and its message.
    pub fn last_change(&self, path: &Path) -> Result<Option<Change>, GitError> {
        let git_path = self.git_path(path);
        let Ok(head) = self.repo.head().and_then(|h| h.peel_to_commit()) else {
            return Ok(None);
        };
        let mut walk = self.repo.revwalk()?;
        walk.push(head.id())?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
        for oid in walk {
            let commit = self.repo.find_commit(oid?)?;
            let here = blob_at(&commit.tree()?, &git_path);
            let before = match commit.parents().next() {
                Some(parent) => blob_at(&parent.tree()?, &git_path),
                None => None,
            };
            if here != before {
                return Ok(Some(Change {
                    commit: commit.id().to_string(),
                    author: format_person(&commit.author()),
                    message: commit.message().unwrap_or_default().to_string(),
                }));
            }
        }
        Ok(None)
    }

    /// The message of a commit named by its id (or a unique prefix).
    pub fn message_of(&self, commit: &str) -> Result<Option<String>, GitError> {
        let Ok(object) = self.repo.revparse_single(commit) else {
            return Ok(None);
        };
        Ok(object
            .peel_to_commit()
            .ok()
            .map(|c| c.message().unwrap_or_default().to_string()))
    }

    fn head_tree(&self) -> Result<Option<git2::Tree<'_>>, GitError> {
        match self.repo.head() {
            Ok(head) => Ok(Some(head.peel_to_tree()?)),
            Err(_) => Ok(None),
        }
    }

    fn git_path(&self, path: &Path) -> String {
        self.prefix.join(path).to_string_lossy().replace('\\', "/")
    }

    fn write_worktree(&self, files: &[RepoFile]) -> Result<(), GitError> {
        let mut index = self.repo.index()?;
        for file in files {
            let path = self.root.join(&file.path);
            let git_path = self.git_path(&file.path);
            match &file.content {
                Some(content) => {
                    write_atomically(&path, content).map_err(|source| GitError::Write {
                        path: path.clone(),
                        source,
                    })?;
                    index.add_path(Path::new(&git_path))?;
                }
                None => {
                    match std::fs::remove_file(&path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(source) => return Err(GitError::Write { path, source }),
                    }
                    let _ = index.remove_path(Path::new(&git_path));
                }
            }
        }
        index.write()?;
        Ok(())
    }
}

fn blob_at(tree: &git2::Tree, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
}

fn format_person(signature: &Signature) -> String {
    let name = signature.name().unwrap_or("unknown");
    match signature.email() {
        Ok(email) if !email.is_empty() => format!("{name} <{email}>"),
        _ => name.to_string(),
    }
}

/// Whether a `Name <email>` is medic itself.
pub fn is_medic(person: &str) -> bool {
    person == MEDIC_NAME || person.starts_with(&format!("{MEDIC_NAME} <"))
}

fn write_atomically(path: &Path, content: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    let tmp = path.with_extension("medic-tmp");
    std::fs::write(&tmp, content)?;
    std::fs::rename(&tmp, path)
}

/// medic commits as itself; people's commits (approvals, reverts) keep theirs.
fn medic_signature() -> Result<Signature<'static>, git2::Error> {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string());
    Signature::now(MEDIC_NAME, &format!("medic@{host}"))
}
