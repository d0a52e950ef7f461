//! Rendering a model as it is at a git commit, in memory: what `plan` (two revisions),
//! `publish` and `verify` (one) share. Reads the model's blobs with git2 (no checkout), lints,
//! and renders the selection; a revision whose model has errors is never rendered.

use super::{render_model, Output, RenderError, Selection};
use crate::check::git::{self, GitError};
use crate::diag::Diagnostic;
use crate::model::Model;
use git2::{Oid, Repository};

/// A rendered revision: its commit, the model (for consumers and spans) and the render.
pub struct RenderedRevision {
    pub commit: Oid,
    pub model: Model,
    pub output: Output,
}

/// Why a revision did not render.
pub enum RevisionError {
    /// Reading git failed (DS9xx): exit 2.
    Git(GitError),
    /// The model directory is absent at the commit, or holds no model file: exit 2.
    NoModel { commit: Oid, model_dir: String },
    /// The model has errors (sorted, with the model for their sources): exit 1.
    Lint {
        model: Box<Model>,
        diagnostics: Vec<Diagnostic>,
        /// Where the model's files are in the repository, to name them as the user sees them.
        model_dir: String,
    },
    /// The model lints clean but does not render (DS5xx, an unbuilt or unknown selection).
    Render {
        model: Box<Model>,
        error: RenderError,
        model_dir: String,
    },
}

impl std::fmt::Display for RevisionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RevisionError::Git(e) => write!(f, "{e}"),
            RevisionError::NoModel { commit, model_dir } => write!(
                f,
                "commit {commit} has no model under `{model_dir}` (no *.hcl or *.hcl.json files)"
            ),
            RevisionError::Lint { diagnostics, .. } => write!(
                f,
                "the model has {} errors; nothing was rendered",
                diagnostics.iter().filter(|d| d.is_error()).count()
            ),
            RevisionError::Render { error, .. } => write!(f, "{error}"),
        }
    }
}

impl From<GitError> for RevisionError {
    fn from(e: GitError) -> RevisionError {
        RevisionError::Git(e)
    }
}

/// Render the model under `model_dir` at `commit` (a path inside the repository; `""` or `.`
/// for its root).
pub fn render_revision(
    repo: &Repository,
    commit: Oid,
    model_dir: &str,
    selection: Selection,
) -> Result<RenderedRevision, RevisionError> {
    let files = git::model_files(repo, commit, model_dir)?
        .filter(|f| !f.is_empty())
        .ok_or_else(|| RevisionError::NoModel {
            commit,
            model_dir: model_dir.to_string(),
        })?;
    render_files(commit, files, model_dir, selection)
}

/// Render a revision's model files (as [`git::model_files`] returns them from `model_dir`).
pub fn render_files(
    commit: Oid,
    files: git::ModelFiles,
    model_dir: &str,
    selection: Selection,
) -> Result<RenderedRevision, RevisionError> {
    let (model, diagnostics) = crate::lint::lint_loaded(crate::load::load_files(files));
    if diagnostics.iter().any(|d| d.is_error()) {
        return Err(RevisionError::Lint {
            model: Box::new(model),
            diagnostics,
            model_dir: model_dir.to_string(),
        });
    }
    match render_model(&model, selection) {
        Ok(output) => Ok(RenderedRevision {
            commit,
            model,
            output,
        }),
        Err(error) => Err(RevisionError::Render {
            model: Box::new(model),
            error,
            model_dir: model_dir.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let dest = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy_dir(&entry.path(), &dest);
            } else {
                std::fs::copy(entry.path(), dest).unwrap();
            }
        }
    }

    /// Commit a copy of `dir` as `model/` in a fresh repository.
    fn repo_with(dir: &Path) -> (tempfile::TempDir, Repository, Oid) {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(dir, &tmp.path().join("model"));
        let repo = Repository::init(tmp.path()).unwrap();
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("t", "t@example.com").unwrap();
        let oid = repo.commit(None, &sig, &sig, "m", &tree, &[]).unwrap();
        drop(tree);
        (tmp, repo, oid)
    }

    #[test]
    fn a_revision_renders_like_the_working_tree() {
        let acme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/acme");
        let (_tmp, repo, oid) = repo_with(&acme);
        let selection = Selection {
            target: Some(crate::model::Target::KafkaConnect),
            ..Selection::default()
        };
        let rev = render_revision(&repo, oid, "model", selection).unwrap_or_else(|e| panic!("{e}"));
        let loaded = crate::load::load_dir(&acme).unwrap();
        let direct = render_model(&loaded.model, selection).unwrap();
        assert_eq!(rev.output.files(), direct.files());
        assert_eq!(rev.commit, oid);

        match render_revision(&repo, oid, "elsewhere", selection) {
            Err(RevisionError::NoModel { .. }) => {}
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("rendered a missing model"),
        }
    }
}
