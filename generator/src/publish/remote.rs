//! Publishing to a remote's branch: read its tip, commit on top, push one fast-forward, and on
//! rejection read again and retry.
//!
//! The transport is the `git` command, not git2: this build of libgit2 has no HTTPS or SSH
//! transport, it would not use the credentials `actions/checkout` configures
//! (`http.<url>.extraheader`), and its local-path transport replaces the remote ref without
//! checking the old value, so two racing pushes could lose one. `git push` without `+` sends
//! the old value with the update and the remote's receive-pack applies it under the ref's lock:
//! a compare-and-swap on the remote. Objects and local refs are still written with git2.

use super::codes::{DS903, DS906};
use super::{
    backoff, contention, ensure_generated, fail, local_tip, short, swap, Commit, PublishError,
    Report, MAX_ATTEMPTS,
};
use git2::{Oid, Repository};
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub(super) struct Remote<'r> {
    repo: &'r Repository,
    name: String,
    git_dir: PathBuf,
}

/// What a push did.
enum Pushed {
    Yes,
    /// Another publisher moved the remote branch first: read it again and retry.
    Raced(String),
}

impl<'r> Remote<'r> {
    /// The remote called `name` in the repository's config (DS906 when there is none).
    pub(super) fn new(repo: &'r Repository, name: &str) -> Result<Remote<'r>, PublishError> {
        if !git2::Remote::is_valid_name(name) || repo.find_remote(name).is_err() {
            return Err(fail(
                &DS906,
                format!("the repository has no remote named `{name}`"),
                "`git remote -v` lists the remotes; add one with `git remote add NAME URL`",
            ));
        }
        Ok(Remote {
            repo,
            name: name.to_string(),
            git_dir: repo.path().to_path_buf(),
        })
    }

    /// Run `git` in the repository. Prompts are off (CI has no terminal) and messages are in
    /// English so rejections can be told apart.
    fn git(&self, args: &[&str]) -> Result<std::process::Output, PublishError> {
        Command::new("git")
            .arg("--git-dir")
            .arg(&self.git_dir)
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| {
                fail(
                    &DS906,
                    format!("cannot run `git` for --remote: {e}"),
                    "--remote needs the git command-line tool on PATH",
                )
            })
    }

    fn failed(&self, what: &str, out: &std::process::Output) -> PublishError {
        let stderr = redact(String::from_utf8_lossy(&out.stderr).trim());
        fail(
            &DS906,
            format!("{what} `{}` failed: {stderr}", self.name),
            "check `git ls-remote <remote>` and that the credentials may write the branch",
        )
    }

    /// The remote branch's tip, fetched into `refs/remotes/REMOTE/BRANCH` (none: the remote
    /// has no such branch).
    fn tip(&self, branch: &str) -> Result<Option<Oid>, PublishError> {
        let refname = format!("refs/heads/{branch}");
        // All the branches: one that nests with this one would refuse the push every time.
        let out = self.git(&["ls-remote", "--heads", "--", &self.name])?;
        if !out.status.success() {
            return Err(self.failed("reading remote", &out));
        }
        let listing = String::from_utf8_lossy(&out.stdout);
        let heads: Vec<&str> = listing
            .lines()
            .filter_map(|l| l.split('\t').nth(1))
            .collect();
        if let Some(other) = super::nested_with(&refname, heads.iter().copied()) {
            return Err(super::nested(branch, other, Some(&self.name)));
        }
        if !heads.contains(&refname.as_str()) {
            return Ok(None);
        }
        let tracking = self.tracking(branch);
        let spec = format!("+{refname}:{tracking}");
        let out = self.git(&["fetch", "--quiet", "--no-tags", "--", &self.name, &spec])?;
        if !out.status.success() {
            return Err(self.failed("fetching from remote", &out));
        }
        self.repo
            .refname_to_id(&tracking)
            .map(Some)
            .map_err(|e| super::git_failed(&format!("cannot read `{tracking}` after fetching"), &e))
    }

    fn tracking(&self, branch: &str) -> String {
        format!("refs/remotes/{}/{branch}", self.name)
    }

    /// Push `commit` as the remote branch: a fast-forward (or the branch's creation) only.
    fn push(&self, commit: Oid, branch: &str) -> Result<Pushed, PublishError> {
        let spec = format!("{commit}:refs/heads/{branch}");
        let out = self.git(&["push", "--porcelain", "--", &self.name, &spec])?;
        if out.status.success() {
            return Ok(Pushed::Yes);
        }
        // `--porcelain` prints one line per ref: `!<TAB>from:to<TAB>[rejected] (reason)`.
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .lines()
            .find(|l| l.starts_with('!') && l.contains(&format!(":refs/heads/{branch}\t")));
        match line {
            Some(l) if is_race(l) => Ok(Pushed::Raced(l.trim().to_string())),
            Some(l) => Err(fail(
                &DS906,
                format!(
                    "remote `{}` refused the push of `{branch}`: {}",
                    self.name,
                    redact(l.split('\t').nth(2).unwrap_or(l))
                ),
                "a protected branch or a hook may refuse dsgen's commits; allow the publisher to \
                 push fast-forwards to this branch",
            )),
            None => Err(self.failed("pushing to remote", &out)),
        }
    }

    /// The compare-and-swap loop against the remote branch, then the local branch and the
    /// remote-tracking ref follow.
    pub(super) fn publish(
        &self,
        refname: &str,
        branch: &str,
        commit: &Commit,
    ) -> Result<Report, PublishError> {
        let mut last = String::new();
        for attempt in 1..=MAX_ATTEMPTS {
            let base = self.tip(branch)?;
            let local = local_tip(self.repo, refname)?;
            self.refuse_local_ahead(local, base, branch)?;
            if let Some(base) = base {
                ensure_generated(self.repo, base, branch)?;
                if commit.is_tree_of(self.repo, base)? {
                    let mut report = Report::new(base, false, attempt);
                    self.follow(refname, branch, local, base, &mut report);
                    return Ok(report);
                }
            }
            let new = commit.write(self.repo, base)?;
            match self.push(new, branch)? {
                Pushed::Yes => {
                    let mut report = Report::new(new, true, attempt);
                    let _ = swap(self.repo, &self.tracking(branch), base, new, &commit.log);
                    self.follow(refname, branch, local, new, &mut report);
                    return Ok(report);
                }
                Pushed::Raced(why) => {
                    last = why;
                    backoff(attempt);
                }
            }
        }
        Err(contention(branch, &last))
    }

    /// The remote is the truth: a local branch with commits it lacks would be silently
    /// abandoned, so refuse instead.
    fn refuse_local_ahead(
        &self,
        local: Option<Oid>,
        remote: Option<Oid>,
        branch: &str,
    ) -> Result<(), PublishError> {
        let Some(local) = local else { return Ok(()) };
        let contained = match remote {
            None => false,
            Some(r) => r == local || self.repo.graph_descendant_of(r, local).unwrap_or(false),
        };
        if contained {
            return Ok(());
        }
        Err(fail(
            &DS903,
            format!(
                "local branch `{branch}` ({}) has commits that `{}/{branch}` lacks; publishing \
                 to the remote would leave them behind",
                short(local),
                self.name
            ),
            "push the local branch first (`git push REMOTE BRANCH`), or delete it if its commits \
             are not needed (`git branch -D BRANCH`)",
        ))
    }

    /// Fast-forward the local branch to what the remote now holds (best effort: a local
    /// branch that moved meanwhile is left alone and the report says so).
    fn follow(
        &self,
        refname: &str,
        branch: &str,
        local: Option<Oid>,
        tip: Oid,
        report: &mut Report,
    ) {
        if local == Some(tip) {
            return;
        }
        if let Err(e) = swap(
            self.repo,
            refname,
            local,
            tip,
            "dsgen publish: follow remote",
        ) {
            report.notes.push(format!(
                "the local branch `{branch}` was not moved to {}: {}",
                short(tip),
                e.message()
            ));
        }
    }
}

/// A rejection caused by another publisher moving the branch (retry), not by policy.
fn is_race(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    l.contains("[rejected]")
        || (l.contains("[remote rejected]")
            && (l.contains("lock") || l.contains("failed to update ref")))
}

/// Remove credentials from URLs (`https://user:token@host` → `https://***@host`), so no
/// message quoting git can print a token.
pub(super) fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c == '/' || c.is_whitespace() || c == '\'' || c == '"')
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(at) => {
                out.push_str("***");
                out.push_str(&tail[at..end]);
            }
            None => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_urls_are_redacted() {
        assert_eq!(
            redact("fatal: unable to access 'https://x-access-token:ghs_abc@github.com/o/r/': 403"),
            "fatal: unable to access 'https://***@github.com/o/r/': 403"
        );
        assert_eq!(
            redact("https://github.com/o/r and ssh://git@host/x"),
            "https://github.com/o/r and ssh://***@host/x"
        );
        assert_eq!(redact("no url here"), "no url here");
    }

    #[test]
    fn races_are_told_from_refusals() {
        assert!(is_race("!\tabc:refs/heads/g\t[rejected] (fetch first)"));
        assert!(is_race(
            "!\tabc:refs/heads/g\t[remote rejected] (failed to update ref)"
        ));
        assert!(!is_race(
            "!\tabc:refs/heads/g\t[remote rejected] (pre-receive hook declined)"
        ));
    }
}
