//! `dsgen verify`: does the generated branch hold exactly the render of the model commit its
//! tip names? Re-renders that commit (the platforms the tip's `MANIFEST.json` lists) and
//! compares blob ids path by path: files edited by hand, missing, or extra.

use super::codes::DS905;
use super::{fail, git_failed, normalize_model_dir, tree, PublishError};
use super::{DSGEN_VERSION, MODEL_COMMIT, MODEL_DIR};
use crate::render::write::MANIFEST;
use crate::target::revision::render_revision;
use crate::target::Selection;
use git2::{ErrorCode, ObjectType, Oid, Repository};
use serde::Serialize;

/// The outcome of a verify.
#[derive(Debug, Serialize)]
pub struct VerifyReport {
    pub branch: String,
    #[serde(serialize_with = "as_string")]
    pub tip: Oid,
    #[serde(serialize_with = "as_string")]
    pub model_commit: Oid,
    pub model_dir: String,
    /// The version that published the tip (its `Dsgen-Version:` trailer), when it differs
    /// from this one: differences may then come from the new version, not from a hand edit.
    pub published_by: Option<String>,
    pub verified_by: &'static str,
    /// Files in the render, `MANIFEST.json` included.
    pub files: usize,
    pub edited: Vec<String>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

fn as_string<S: serde::Serializer>(id: &Oid, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

impl VerifyReport {
    pub fn is_clean(&self) -> bool {
        self.edited.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// The branch's tip: `refs/heads/BRANCH`, else any revision (`origin/generated`), so a clone
/// that only has the remote-tracking ref can verify too.
fn tip_of(repo: &Repository, branch: &str) -> Result<Oid, PublishError> {
    match repo.refname_to_id(&format!("refs/heads/{branch}")) {
        Ok(id) => return Ok(id),
        Err(e) if e.code() == ErrorCode::NotFound || e.code() == ErrorCode::InvalidSpec => {}
        Err(e) => return Err(git_failed(&format!("cannot read branch `{branch}`"), &e)),
    }
    Ok(crate::check::git::resolve(repo, branch)?)
}

/// Verify `branch` against the render of the model commit its tip names. `model_dir`
/// overrides the tip's `Model-Dir:` trailer.
pub fn verify(
    repo: &Repository,
    branch: &str,
    model_dir: Option<&str>,
) -> Result<VerifyReport, PublishError> {
    let tip = tip_of(repo, branch)?;
    let commit = repo
        .find_commit(tip)
        .map_err(|e| git_failed(&format!("cannot read the tip of `{branch}`"), &e))?;
    let message = commit.message_raw().unwrap_or("").to_string();
    let trailer = |key: &str| -> Option<String> {
        let trailers = git2::message_trailers_strs(&message).ok()?;
        // The last one wins, as with git's own trailer handling.
        let value = trailers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.trim().to_string())
            .next_back();
        value
    };
    let Some(named) = trailer(MODEL_COMMIT) else {
        return Err(fail(
            &DS905,
            format!(
                "the tip {} of `{branch}` has no `{MODEL_COMMIT}:` trailer; it was not written by \
                 dsgen publish",
                super::short(tip)
            ),
            "verify a branch that `dsgen publish` writes",
        ));
    };
    let model_commit = match Oid::from_str(&named) {
        Ok(id) if named.len() == 40 && repo.find_commit(id).is_ok() => id,
        _ => {
            return Err(fail(
                &DS905,
                format!(
                    "the model commit `{named}` named by the tip {} of `{branch}` is not in this \
                     repository",
                    super::short(tip)
                ),
                "fetch it (`git fetch origin`, or `fetch-depth: 0` in actions/checkout) and verify again",
            ))
        }
    };
    let model_dir = normalize_model_dir(
        &model_dir
            .map(str::to_string)
            .or_else(|| trailer(MODEL_DIR))
            .unwrap_or_else(|| ".".to_string()),
    );
    let published = tree::tree_entries(repo, commit.tree_id())
        .map_err(|e| git_failed(&format!("cannot read the tree of `{branch}`"), &e))?;
    let platforms = published_platforms(repo, &published);
    let selection = selection_for(&platforms);
    let rendered = render_revision(repo, model_commit, &model_dir, selection)
        .map_err(PublishError::Revision)?;
    let expected = rendered.output.files();

    let mut report = VerifyReport {
        branch: branch.to_string(),
        tip,
        model_commit,
        model_dir,
        published_by: trailer(DSGEN_VERSION).filter(|v| v != env!("CARGO_PKG_VERSION")),
        verified_by: env!("CARGO_PKG_VERSION"),
        files: expected.len(),
        edited: Vec::new(),
        missing: Vec::new(),
        extra: Vec::new(),
    };
    let mut expected_paths = std::collections::BTreeSet::new();
    for (path, bytes) in &expected {
        expected_paths.insert(path.as_str());
        let id = Oid::hash_object(ObjectType::Blob, bytes)
            .map_err(|e| git_failed("cannot hash a rendered file", &e))?;
        match published.get(path) {
            None => report.missing.push(path.clone()),
            Some(e) if e.id != id || e.mode != i32::from(git2::FileMode::Blob) => {
                report.edited.push(path.clone())
            }
            Some(_) => {}
        }
    }
    report.extra = published
        .keys()
        .filter(|p| !expected_paths.contains(p.as_str()))
        .cloned()
        .collect();
    Ok(report)
}

/// The platforms (and their targets) the published render lists in its `MANIFEST.json`; when
/// that file is missing or unreadable (a hand edit `verify` will report), the top-level
/// directories, which are the platforms' files.
fn published_platforms(
    repo: &Repository,
    published: &std::collections::BTreeMap<String, tree::Entry>,
) -> Vec<(String, Option<String>)> {
    let from_manifest = published
        .get(MANIFEST)
        .and_then(|e| repo.find_blob(e.id).ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(b.content()).ok())
        .and_then(|v| v.get("platforms").and_then(|p| p.as_array()).cloned())
        .map(|list| {
            list.iter()
                .filter_map(|p| {
                    let name = p.get("platform")?.as_str()?.to_string();
                    let target = p.get("target").and_then(|t| t.as_str()).map(str::to_string);
                    Some((name, target))
                })
                .collect::<Vec<_>>()
        });
    from_manifest.unwrap_or_else(|| {
        let mut dirs: Vec<(String, Option<String>)> = published
            .keys()
            .filter_map(|p| p.split_once('/').map(|(d, _)| (d.to_string(), None)))
            .collect();
        dirs.dedup();
        dirs
    })
}

/// The `--platform`/`--target` selection that renders exactly `platforms`. `publish` accepts
/// only those two flags, so a published platform list is one platform, every platform of one
/// target, or every platform: one platform selects itself; several of one target select that
/// target (every platform of the model then has it, or the list was `--target`'s); several of
/// mixed targets select everything.
fn selection_for(platforms: &[(String, Option<String>)]) -> Selection<'_> {
    let mut selection = Selection::default();
    match platforms {
        [(only, _)] => selection.platform = Some(only.as_str()),
        [(_, Some(first)), rest @ ..] if rest.iter().all(|(_, t)| t.as_ref() == Some(first)) => {
            selection.target = crate::model::Target::parse(first);
        }
        _ => {}
    }
    selection
}
