//! Reading a revision's model files straight from the git object database (git2): no
//! checkout, so it works in a bare or shallow clone that has both commits.

use super::codes::{DS901, DS902};
use crate::diag::Diagnostic;
use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use std::collections::HashMap;
use std::path::Path;

/// A git failure: a DS9xx diagnostic (exit 2).
#[derive(Debug)]
pub struct GitError(pub Diagnostic);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.message)
    }
}

fn err(message: String, help: &str) -> GitError {
    GitError(Diagnostic::new(&DS901, message).help(help))
}

pub fn open(path: &Path) -> Result<Repository, GitError> {
    Repository::open(path).map_err(|e| {
        err(
            format!(
                "cannot open git repository `{}`: {}",
                path.display(),
                e.message()
            ),
            "point --repo at a git work tree or bare repository",
        )
    })
}

/// The commit a revision names (branch, tag, sha, `origin/main`, `HEAD~1`).
pub fn resolve(repo: &Repository, rev: &str) -> Result<Oid, GitError> {
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id())
        .map_err(|e| {
            err(
                format!(
                    "cannot resolve revision `{rev}` to a commit: {}",
                    e.message()
                ),
                "fetch the revision first (`git fetch origin <rev>`), or check its spelling",
            )
        })
}

/// The merge base of two commits; DS902 when the clone has no common ancestor.
pub fn merge_base(repo: &Repository, a: Oid, b: Oid) -> Result<Oid, GitError> {
    repo.merge_base(a, b).map_err(|e| {
        let shallow = if repo.is_shallow() {
            " (this is a shallow clone)"
        } else {
            ""
        };
        GitError(
            Diagnostic::new(
                &DS902,
                format!("{a} and {b} have no common ancestor in this clone{shallow}: {}", e.message()),
            )
            .help("fetch more history: `fetch-depth: 0` in actions/checkout, or `git fetch --deepen=100 origin <base branch>`"),
        )
    })
}

/// (path relative to the model directory, bytes) of every model file of a revision.
pub type ModelFiles = Vec<(String, Vec<u8>)>;

/// A model directory as written everywhere (the publish trailer, the git reader, labels): no
/// leading `./`, no surrounding `/`, `.` for the repository's root.
pub fn normalize_model_dir(dir: &str) -> String {
    let d = dir.trim_matches('/');
    let d = d.strip_prefix("./").unwrap_or(d).trim_matches('/');
    if d.is_empty() {
        ".".to_string()
    } else {
        d.to_string()
    }
}

/// The model files (`*.hcl`, `*.hcl.json`, hidden directories skipped) under `model_dir` at
/// two commits, as (path relative to the model directory, bytes), reading each blob once: a file both commits share is
/// inflated from the object database a single time. Each side is `None` when the model
/// directory does not exist at that commit.
pub fn model_files_pair(
    repo: &Repository,
    base: Oid,
    head: Oid,
    model_dir: &str,
) -> Result<(Option<ModelFiles>, Option<ModelFiles>), GitError> {
    let (head_files, oids) = read_files(repo, head, model_dir, &HashMap::new())?;
    let known: HashMap<Oid, &[u8]> = head_files
        .iter()
        .flatten()
        .zip(&oids)
        .map(|((_, bytes), &oid)| (oid, bytes.as_slice()))
        .collect();
    let (base_files, _) = read_files(repo, base, model_dir, &known)?;
    Ok((base_files, head_files))
}

/// The model files under `model_dir` at one commit (`None` when the directory is absent there).
pub fn model_files(
    repo: &Repository,
    commit: Oid,
    model_dir: &str,
) -> Result<Option<ModelFiles>, GitError> {
    Ok(read_files(repo, commit, model_dir, &HashMap::new())?.0)
}

/// The model files of `commit` and their blob ids, taking the bytes of blobs in `known`
/// instead of reading them again.
fn read_files(
    repo: &Repository,
    commit: Oid,
    model_dir: &str,
    known: &HashMap<Oid, &[u8]>,
) -> Result<(Option<ModelFiles>, Vec<Oid>), GitError> {
    let read = |e: git2::Error| {
        err(
            format!("cannot read commit {commit}: {}", e.message()),
            "the clone may lack the objects; fetch the revision",
        )
    };
    let tree = repo
        .find_commit(commit)
        .and_then(|c| c.tree())
        .map_err(read)?;
    let dir = normalize_model_dir(model_dir);
    let tree = if dir == "." {
        tree
    } else {
        match tree.get_path(Path::new(&dir)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Tree) => {
                repo.find_tree(entry.id()).map_err(read)?
            }
            Ok(_) => return Ok((None, Vec::new())),
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok((None, Vec::new())),
            Err(e) => return Err(read(e)),
        }
    };
    let mut blobs: Vec<(String, Oid)> = Vec::new();
    tree.walk(TreeWalkMode::PreOrder, |parent, entry| {
        let name = entry.name().unwrap_or("");
        match entry.kind() {
            Some(ObjectType::Tree) if name.starts_with('.') => TreeWalkResult::Skip,
            Some(ObjectType::Blob) if crate::load::is_model_file(name) => {
                blobs.push((format!("{parent}{name}"), entry.id()));
                TreeWalkResult::Ok
            }
            _ => TreeWalkResult::Ok,
        }
    })
    .map_err(read)?;
    let mut files = Vec::with_capacity(blobs.len());
    let mut oids = Vec::with_capacity(blobs.len());
    for (path, id) in blobs {
        let bytes = match known.get(&id) {
            Some(bytes) => bytes.to_vec(),
            None => repo.find_blob(id).map_err(read)?.content().to_vec(),
        };
        files.push((path, bytes));
        oids.push(id);
    }
    Ok((Some(files), oids))
}

/// The change source from a GitHub event payload (`$GITHUB_EVENT_PATH`): for `pull_request` and
/// `pull_request_target` events, `github:` + head repository + `@` + head branch. Never
/// `GITHUB_REPOSITORY`, which names the base repository.
pub fn source_from_event(payload: &str) -> Result<String, String> {
    let v: serde_json::Value =
        serde_json::from_str(payload).map_err(|e| format!("the event payload is not JSON: {e}"))?;
    let pr = v
        .get("pull_request")
        .ok_or("the event is not a pull request (no `pull_request` in the payload)")?;
    let head = pr.get("head").ok_or("the pull request has no `head`")?;
    let full_name = head
        .get("repo")
        .and_then(|r| r.get("full_name"))
        .and_then(|n| n.as_str())
        .ok_or("the pull request's head has no `repo.full_name` (a deleted fork?)")?;
    let branch = head
        .get("ref")
        .and_then(|n| n.as_str())
        .ok_or("the pull request's head has no `ref`")?;
    Ok(format!("github:{full_name}@{branch}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_payload_gives_the_head_repository_and_branch() {
        let payload = r#"{"pull_request":{"head":{"ref":"feature/x","repo":{"full_name":"fork/eu"}},
            "base":{"ref":"main","repo":{"full_name":"acme/eco"}}},"repository":{"full_name":"acme/eco"}}"#;
        assert_eq!(
            source_from_event(payload).as_deref(),
            Ok("github:fork/eu@feature/x")
        );
        assert!(source_from_event(r#"{"push":{}}"#).is_err());
        assert!(source_from_event(r#"{"pull_request":{"head":{"ref":"x","repo":null}}}"#).is_err());
        assert!(source_from_event("not json").is_err());
    }
}
