//! Git plumbing for the integration tests that build model repositories commit by commit with
//! the `git` CLI (check, plan, publish, serve), and the root of this repository, whose
//! `examples/` and `golden/` the tests read. Included with `#[path = "support/git.rs"]`; each
//! test binary uses only part of it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The root of this repository (the directory above `generator/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Copy the directory tree `from` to `to` (created), e.g. an example model into a test's
/// repository.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("read_dir entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).expect("copy");
        }
    }
}

/// Run `git` in `cwd` and return its stdout, trimmed; a failure panics with git's stderr.
///
/// The environment is cleared but for PATH, with HOME at `cwd` and no system configuration, so
/// no user's or machine's git configuration applies. Author and committer are fixed, and so are
/// the dates: the same commits in the same order have the same ids on every run, which keeps
/// snapshots that name them reproducible.
pub fn git(cwd: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", cwd)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}: {}",
        cwd.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The sha of HEAD.
pub fn head(cwd: &Path) -> String {
    git(cwd, &["rev-parse", "HEAD"])
}

/// Stage everything (`add -A`) and commit it, even when nothing changed; return the new sha.
pub fn commit_all(cwd: &Path, message: &str) -> String {
    git(cwd, &["add", "-A"]);
    git(cwd, &["commit", "-q", "--allow-empty", "-m", message]);
    head(cwd)
}

/// A fresh repository at `<dir>/repo` on branch `main`, with a `README.md` not yet committed.
/// `dir` leaves room beside it for clones and work trees, and removes all of it when dropped.
pub struct TempRepo {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl TempRepo {
    pub fn init() -> TempRepo {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("repo");
        std::fs::create_dir(&path).expect("mkdir");
        git(&path, &["init", "-q", "-b", "main"]);
        std::fs::write(path.join("README.md"), "model repository\n").expect("write");
        TempRepo { dir, path }
    }
}
