//! The ops repository as Git: commits a set of files medic owns (reports,
//! STATUS.md) on top of HEAD without touching anything a person has staged,
//! and only when the resulting tree differs from HEAD's.

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
    /// The `--repo` directory, which may be below the Git work tree's root.
    root: PathBuf,
    /// `root` relative to the work tree's root.
    prefix: PathBuf,
}

/// A file medic writes, relative to the ops repository root.
pub struct RepoFile {
    pub path: PathBuf,
    pub content: String,
}

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
            root: root.to_path_buf(),
            prefix,
        })
    }

    /// Commits `files` with `message` if they change the tree; writes them to
    /// the working tree and index either way. Returns the new commit, if any.
    pub fn commit_files(&self, files: &[RepoFile], message: &str) -> Result<Option<Oid>, GitError> {
        let head = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let base_tree = match &head {
            Some(commit) => commit.tree()?,
            None => self.repo.find_tree(self.repo.treebuilder(None)?.write()?)?,
        };
        let mut updates = TreeUpdateBuilder::new();
        for file in files {
            let blob = self.repo.blob(file.content.as_bytes())?;
            updates.upsert(self.git_path(&file.path), blob, FileMode::Blob);
        }
        let tree_id = updates.create_updated(&self.repo, &base_tree)?;
        let commit = if tree_id == base_tree.id() {
            None
        } else {
            let tree = self.repo.find_tree(tree_id)?;
            let signature = signature()?;
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

    fn git_path(&self, path: &Path) -> String {
        self.prefix.join(path).to_string_lossy().replace('\\', "/")
    }

    fn write_worktree(&self, files: &[RepoFile]) -> Result<(), GitError> {
        let mut index = self.repo.index()?;
        for file in files {
            let path = self.root.join(&file.path);
            write_atomically(&path, &file.content).map_err(|source| GitError::Write {
                path: path.clone(),
                source,
            })?;
            index.add_path(Path::new(&self.git_path(&file.path)))?;
        }
        index.write()?;
        Ok(())
    }
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
fn signature() -> Result<Signature<'static>, git2::Error> {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string());
    Signature::now("medic", &format!("medic@{host}"))
}
