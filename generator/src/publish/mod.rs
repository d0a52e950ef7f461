//! The generated branch: `dsgen publish` commits a revision's render to a branch, `dsgen verify`
//! checks a branch against the render it claims to be (docs/publish.md).
//!
//! Publishing renders the model as it is at a commit ([`crate::target::revision`]), writes the
//! files as git objects ([`tree`]) and moves the branch with a compare-and-swap on its tip:
//! one commit when the tree changed, none when it did not, on top of whatever tip another
//! publisher left, never forced. Nothing here touches an index, a work tree or `HEAD`; this is
//! the only module that writes git. The model's commit is named in the message
//! (`Model-Commit:`), never in the tree, so a model commit that changes nothing rendered
//! publishes nothing.

pub mod codes;
mod remote;
pub mod tree;
pub mod verify;

pub use crate::check::git::normalize_model_dir;
use crate::check::git::{self, GitError};
use crate::diag::codes::Code;
use crate::diag::Diagnostic;
use crate::render::write::MANIFEST;
use crate::target::revision::{render_revision, RevisionError};
use crate::target::Selection;
use git2::{ErrorCode, Oid, Repository, Signature};
use std::time::{Duration, Instant};

/// How often a publisher re-reads the tip and tries again after losing a race.
pub const MAX_ATTEMPTS: u32 = 25;

/// The trailer that names the rendered model commit.
pub const MODEL_COMMIT: &str = "Model-Commit";
/// The trailer that names the model's directory inside the repository.
pub const MODEL_DIR: &str = "Model-Dir";
/// The trailer that names the dsgen version that rendered the tree.
pub const DSGEN_VERSION: &str = "Dsgen-Version";

/// What to publish where.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The branch's short name (`generated`, not `refs/heads/generated`).
    pub branch: &'a str,
    /// The model's directory inside the repository (`.` for its root).
    pub model_dir: &'a str,
    /// The model revision to render (`HEAD`, a sha, a branch).
    pub rev: &'a str,
    /// Publish to this remote's branch instead of only the local one.
    pub remote: Option<&'a str>,
    /// The commit message's text; the trailers are always appended.
    pub message: Option<&'a str>,
    pub selection: Selection<'a>,
}

/// What a publish did.
#[derive(Debug)]
pub struct Report {
    pub model_commit: Oid,
    /// The branch's tip afterwards: the new commit, or the tip that already held the render.
    pub tip: Oid,
    /// Whether a commit was made (false: the tip's tree already was the render).
    pub published: bool,
    /// Files in the render, `MANIFEST.json` included.
    pub files: usize,
    /// Compare-and-swap attempts (1 when no other publisher interfered).
    pub attempts: u32,
    /// Things the user should know that did not stop the publish.
    pub notes: Vec<String>,
    /// Seconds spent rendering, writing objects, and committing (with any push).
    pub timings: [f64; 3],
}

/// Why nothing was published.
pub enum PublishError {
    /// Git, the branch or the remote (DS9xx): exit 2.
    Git(GitError),
    /// The model at the revision did not render: lint errors or DS5xx (exit 1), or an unusable
    /// selection or model directory (exit 2).
    Revision(RevisionError),
    /// A request that makes no sense for this model: exit 2.
    Usage(String),
}

impl From<GitError> for PublishError {
    fn from(e: GitError) -> PublishError {
        PublishError::Git(e)
    }
}

impl std::fmt::Display for PublishError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PublishError::Git(e) => write!(f, "{e}"),
            PublishError::Revision(e) => write!(f, "{e}"),
            PublishError::Usage(e) => write!(f, "{e}"),
        }
    }
}

pub(crate) fn fail(code: &'static Code, message: String, help: &str) -> PublishError {
    PublishError::Git(GitError(Diagnostic::new(code, message).help(help)))
}

/// A DS901 for a git call that failed.
pub(crate) fn git_failed(what: &str, e: &git2::Error) -> PublishError {
    fail(
        &crate::check::codes::DS901,
        format!("{what}: {}", e.message()),
        "check that the repository exists and is writable by this user",
    )
}

/// `refs/heads/NAME`, or DS903 when NAME is not a valid branch name.
pub fn branch_ref(branch: &str) -> Result<String, PublishError> {
    let name = format!("refs/heads/{branch}");
    if branch.is_empty() || branch.starts_with('-') || !git2::Reference::is_valid_name(&name) {
        return Err(fail(
            &codes::DS903,
            format!("`{branch}` is not a valid branch name"),
            "branch names follow `git check-ref-format --branch`: no spaces, `..`, `~`, `^`, `:`, \
             `?`, `*`, `[`, no leading `-`, no trailing `/` or `.lock`",
        ));
    }
    Ok(name)
}

/// Render `opts.rev` and commit it to the branch (and the remote's branch).
pub fn publish(repo: &Repository, opts: &Options) -> Result<Report, PublishError> {
    let refname = branch_ref(opts.branch)?;
    refuse_checked_out(repo, &refname, opts.branch)?;
    refuse_nested(repo, &refname, opts.branch)?;
    let model_dir = normalize_model_dir(opts.model_dir);
    let remote = opts
        .remote
        .map(|name| remote::Remote::new(repo, name))
        .transpose()?;

    let t = Instant::now();
    let model_commit = git::resolve(repo, opts.rev)?;
    let rendered = render_revision(repo, model_commit, &model_dir, opts.selection)
        .map_err(PublishError::Revision)?;
    let selected = opts.selection.platform.is_some() || opts.selection.target.is_some();
    if selected && rendered.output.manifest.platforms.is_empty() {
        // Publishing it would empty the branch: almost certainly not what was meant.
        return Err(PublishError::Usage(format!(
            "--target {} selects no platform of the model at {}; nothing was published",
            opts.selection.target.map_or("", |t| t.as_str()),
            short(model_commit)
        )));
    }
    let files = rendered.output.files();
    drop(rendered);
    let t_render = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let tree = tree::write_tree(repo, &files)
        .map_err(|e| git_failed("cannot write the render's objects", &e))?;
    let t_write = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let commit = Commit {
        tree,
        signature: signature(repo)?,
        message: message(repo, model_commit, &model_dir, opts.message)?,
        log: format!("dsgen publish: render of {model_commit}"),
    };
    let mut report = match &remote {
        None => publish_local(repo, &refname, opts.branch, &commit)?,
        Some(remote) => remote.publish(&refname, opts.branch, &commit)?,
    };
    report.model_commit = model_commit;
    report.files = files.len();
    report.timings = [t_render, t_write, t.elapsed().as_secs_f64()];
    Ok(report)
}

/// A commit to make on whatever tip the branch has when the swap is tried.
pub(crate) struct Commit {
    tree: Oid,
    signature: Signature<'static>,
    message: String,
    /// The reflog message of the branch update.
    log: String,
}

impl Commit {
    /// The tip already holds exactly this tree.
    fn is_tree_of(&self, repo: &Repository, tip: Oid) -> Result<bool, PublishError> {
        let tip_tree = repo
            .find_commit(tip)
            .map(|c| c.tree_id())
            .map_err(|e| git_failed(&format!("cannot read the branch tip {tip}"), &e))?;
        Ok(tip_tree == self.tree)
    }

    /// Write the commit object with `parent` (none: an orphan, the branch's first commit).
    fn write(&self, repo: &Repository, parent: Option<Oid>) -> Result<Oid, PublishError> {
        let tree = repo
            .find_tree(self.tree)
            .map_err(|e| git_failed("cannot read the render's tree", &e))?;
        let parent = parent
            .map(|p| repo.find_commit(p))
            .transpose()
            .map_err(|e| git_failed("cannot read the branch tip", &e))?;
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(
            None,
            &self.signature,
            &self.signature,
            &self.message,
            &tree,
            &parents,
        )
        .map_err(|e| git_failed("cannot write the commit", &e))
    }
}

/// The compare-and-swap loop on a local branch.
fn publish_local(
    repo: &Repository,
    refname: &str,
    branch: &str,
    commit: &Commit,
) -> Result<Report, PublishError> {
    let mut last = String::new();
    for attempt in 1..=MAX_ATTEMPTS {
        let tip = local_tip(repo, refname)?;
        if let Some(tip) = tip {
            ensure_generated(repo, tip, branch)?;
            if commit.is_tree_of(repo, tip)? {
                return Ok(Report::new(tip, false, attempt));
            }
        }
        let new = commit.write(repo, tip)?;
        match swap(repo, refname, tip, new, &commit.log) {
            Ok(()) => return Ok(Report::new(new, true, attempt)),
            Err(e) if lost_race(&e) => {
                last = e.message().to_string();
                backoff(attempt);
            }
            Err(e) => return Err(git_failed(&format!("cannot update branch `{branch}`"), &e)),
        }
    }
    Err(contention(branch, &last))
}

impl Report {
    fn new(tip: Oid, published: bool, attempts: u32) -> Report {
        Report {
            model_commit: Oid::zero(),
            tip,
            published,
            files: 0,
            attempts,
            notes: Vec::new(),
            timings: [0.0; 3],
        }
    }
}

pub(crate) fn contention(branch: &str, last: &str) -> PublishError {
    fail(
        &codes::DS904,
        format!(
            "branch `{branch}` moved or stayed locked during {MAX_ATTEMPTS} attempts; nothing was \
             published (last: {last})"
        ),
        "publish again; if `.git/refs/heads/<branch>.lock` is left by a crashed git process, \
         remove it when no git process is running",
    )
}

/// Move `refname` from `expected` (none: it must not exist) to `new`, atomically.
pub(crate) fn swap(
    repo: &Repository,
    refname: &str,
    expected: Option<Oid>,
    new: Oid,
    log: &str,
) -> Result<(), git2::Error> {
    // `force = true` with an expected old value is libgit2's compare-and-swap: the old value is
    // compared under the ref's lock. The zero id expects no branch. Creating with
    // `force = false` instead is not atomic: libgit2 checks that the ref is absent before it
    // takes the lock, so two creators can both pass and the second overwrites the first.
    let old = expected.unwrap_or_else(Oid::zero);
    repo.reference_matching(refname, new, true, old, log)
        .map(drop)
}

/// A ref update that failed because another writer got there first (retry) rather than
/// because the repository cannot be written.
pub(crate) fn lost_race(e: &git2::Error) -> bool {
    matches!(
        e.code(),
        ErrorCode::Exists | ErrorCode::Modified | ErrorCode::Locked | ErrorCode::NotFound
    )
}

/// Sleep a little longer after each lost race, jittered so racers fall out of step.
pub(crate) fn backoff(attempt: u32) {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() % 20_000_000)
        .unwrap_or(0);
    std::thread::sleep(
        Duration::from_millis(u64::from(attempt.min(10)) * 10)
            + Duration::from_nanos(u64::from(jitter)),
    );
}

/// The local branch's tip, if the branch exists.
pub(crate) fn local_tip(repo: &Repository, refname: &str) -> Result<Option<Oid>, PublishError> {
    match repo.refname_to_id(refname) {
        Ok(id) => Ok(Some(id)),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(git_failed(&format!("cannot read `{refname}`"), &e)),
    }
}

/// Refuse a branch that is checked out in a work tree of the repository: moving it would leave
/// that work tree and index out of step with their branch.
fn refuse_checked_out(repo: &Repository, refname: &str, branch: &str) -> Result<(), PublishError> {
    let head_is = |r: &Repository| {
        r.find_reference("HEAD")
            .ok()
            .and_then(|h| h.symbolic_target().map(|t| t == refname))
            .unwrap_or(false)
    };
    let mut checked_out = None;
    if !repo.is_bare() && head_is(repo) {
        checked_out = repo.workdir().map(|p| p.display().to_string());
    }
    // From a linked work tree, the main work tree counts too.
    let main = repo
        .is_worktree()
        .then(|| Repository::open(repo.commondir()).ok())
        .flatten();
    if let Some(main) = main.as_ref().filter(|m| !m.is_bare() && head_is(m)) {
        checked_out = main.workdir().map(|p| p.display().to_string());
    }
    if checked_out.is_none() {
        if let Ok(names) = main.as_ref().unwrap_or(repo).worktrees() {
            for name in names.iter().flatten() {
                let Ok(wt) = repo.find_worktree(name) else {
                    continue;
                };
                let Ok(r) = Repository::open_from_worktree(&wt) else {
                    continue;
                };
                if head_is(&r) {
                    checked_out = Some(wt.path().display().to_string());
                    break;
                }
            }
        }
    }
    match checked_out {
        None => Ok(()),
        Some(path) => Err(fail(
            &codes::DS903,
            format!("branch `{branch}` is checked out in `{path}`; publishing to it would leave that work tree out of step"),
            "publish to a branch that no work tree has checked out (e.g. `--branch generated`)",
        )),
    }
}

/// Refuse a branch whose name nests with an existing branch's (`gen/x` when `gen` exists, or
/// `gen` when `gen/x` does): git stores refs as paths, so one of the two could never be written.
fn refuse_nested(repo: &Repository, refname: &str, branch: &str) -> Result<(), PublishError> {
    let refs = repo
        .references_glob("refs/heads/*")
        .map_err(|e| git_failed("cannot list the branches", &e))?;
    let names: Vec<String> = refs
        .flatten()
        .filter_map(|r| r.name().map(str::to_string))
        .collect();
    match nested_with(refname, names.iter().map(String::as_str)) {
        Some(other) => Err(nested(branch, other, None)),
        None => Ok(()),
    }
}

/// The first of `names` that nests with `refname`: one is a directory of the other.
pub(crate) fn nested_with<'a>(
    refname: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let below = |a: &str, b: &str| a.strip_prefix(b).is_some_and(|rest| rest.starts_with('/'));
    names
        .into_iter()
        .find(|n| below(n, refname) || below(refname, n))
}

/// DS903 for a branch that nests with `other` (a ref name), locally or on `remote`.
pub(crate) fn nested(branch: &str, other: &str, remote: Option<&str>) -> PublishError {
    let other = other.strip_prefix("refs/heads/").unwrap_or(other);
    let place = remote.map_or(String::new(), |r| format!(" on remote `{r}`"));
    fail(
        &codes::DS903,
        format!(
            "branch `{branch}` cannot exist beside branch `{other}`{place}: git keeps branches \
             as paths, and one name is a directory of the other"
        ),
        "pick a branch name that is not a directory of an existing branch, nor has one below it",
    )
}

/// Refuse a tip that is not a render: `--branch main` must not bury the model.
pub(crate) fn ensure_generated(
    repo: &Repository,
    tip: Oid,
    branch: &str,
) -> Result<(), PublishError> {
    let generated = repo
        .find_commit(tip)
        .and_then(|c| c.tree())
        .ok()
        .and_then(|t| t.get_name(MANIFEST).map(|e| e.id()))
        .and_then(|id| repo.find_blob(id).ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(b.content()).ok())
        .is_some_and(|v| v.get("generator").and_then(|g| g.as_str()) == Some("dsgen"));
    if generated {
        Ok(())
    } else {
        Err(fail(
            &codes::DS903,
            format!(
                "branch `{branch}` exists and its tip {} is not a dsgen render (no MANIFEST.json \
                 from dsgen at its root); refusing to publish over it",
                short(tip)
            ),
            "publish to a branch that only dsgen writes, or delete this one if it is a leftover",
        ))
    }
}

/// The committer: `user.name`/`user.email` from git config, else `dsgen <dsgen@localhost>`.
fn signature(repo: &Repository) -> Result<Signature<'static>, PublishError> {
    repo.signature()
        .or_else(|_| Signature::now("dsgen", "dsgen@localhost"))
        .map_err(|e| git_failed("cannot make a commit signature", &e))
}

/// The commit message: the text (default: which model commit this renders), a blank line, and
/// the trailers `verify` reads.
fn message(
    repo: &Repository,
    model_commit: Oid,
    model_dir: &str,
    text: Option<&str>,
) -> Result<String, PublishError> {
    let text = match text {
        Some(t) => t.trim_end().to_string(),
        None => {
            let c = repo
                .find_commit(model_commit)
                .map_err(|e| git_failed("cannot read the model commit", &e))?;
            let summary = c.summary().unwrap_or("").trim();
            if summary.is_empty() {
                format!("dsgen: render of {}", short(model_commit))
            } else {
                format!("dsgen: render of {} ({summary})", short(model_commit))
            }
        }
    };
    Ok(format!(
        "{text}\n\n{MODEL_COMMIT}: {model_commit}\n{MODEL_DIR}: {model_dir}\n{DSGEN_VERSION}: {}\n",
        env!("CARGO_PKG_VERSION")
    ))
}

/// The first 7 hex digits of a commit id.
pub fn short(id: Oid) -> String {
    id.to_string()[..7].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Racers that all found no branch each try to create it: exactly one may win. A
    /// creation that only checks for the branch before taking its lock lets a second racer
    /// overwrite the first one's commit (the CI failure of the threaded publish race).
    #[test]
    fn only_one_racer_creates_the_branch() {
        const RACERS: usize = 8;
        let tmp = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(tmp.path()).unwrap();
        let sig = Signature::now("t", "t@localhost").unwrap();
        let tree = repo
            .find_tree(repo.treebuilder(None).unwrap().write().unwrap())
            .unwrap();
        for round in 0..200 {
            let refname = format!("refs/heads/race{round}");
            let commits: Vec<Oid> = (0..RACERS)
                .map(|i| {
                    repo.commit(None, &sig, &sig, &format!("{round}/{i}"), &tree, &[])
                        .unwrap()
                })
                .collect();
            let barrier = std::sync::Barrier::new(RACERS);
            let won: Vec<Oid> = std::thread::scope(|s| {
                let handles: Vec<_> = commits
                    .iter()
                    .map(|&new| {
                        let (path, refname, barrier) = (tmp.path(), &refname, &barrier);
                        s.spawn(move || {
                            let repo = Repository::open_bare(path).unwrap();
                            barrier.wait();
                            match swap(&repo, refname, None, new, "race") {
                                Ok(()) => Some(new),
                                Err(e) if lost_race(&e) => None,
                                Err(e) => panic!("{e}"),
                            }
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .filter_map(|h| h.join().unwrap())
                    .collect()
            });
            assert_eq!(
                won.len(),
                1,
                "round {round}: {} racers created the branch",
                won.len()
            );
            assert_eq!(
                repo.refname_to_id(&refname).unwrap(),
                won[0],
                "round {round}"
            );
        }
    }
}
