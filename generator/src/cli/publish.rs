//! `dsgen publish` and `dsgen verify`, the two ends of the generated branch: publish checks
//! its flags and commits a revision's render to the branch (and the remote), verify re-renders
//! the model commit the branch's tip names and lists the files that differ. Both report a git
//! failure as a DS9xx diagnostic and a model that does not render through [`revision_failed`].

use super::{
    diagnostics_to_stderr, diagnostics_to_stderr_under, exit, out, target_flag, DepsFormat,
};
use std::path::{Path, PathBuf};

/// The flags of `dsgen publish`.
#[derive(Debug, clap::Args)]
pub(super) struct PublishArgs {
    /// The generated branch (created as an orphan branch the first time).
    #[arg(long, value_name = "NAME")]
    branch: String,
    /// The git repository (work tree or bare); its index, work tree and HEAD are untouched.
    #[arg(long, value_name = "PATH", default_value = ".")]
    repo: PathBuf,
    /// The model's directory inside the repository.
    #[arg(long, value_name = "DIR", default_value = ".")]
    model_dir: String,
    /// The model revision to render.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    rev: String,
    /// Also publish to this remote's branch (fetched first; pushed without force).
    #[arg(long, value_name = "NAME")]
    remote: Option<String>,
    /// The commit message (the Model-Commit, Model-Dir and Dsgen-Version trailers are
    /// appended).
    #[arg(long, value_name = "TEXT")]
    message: Option<String>,
    /// Only platforms of this target.
    #[arg(long, value_name = "T")]
    target: Option<String>,
    /// Only this platform.
    #[arg(long, value_name = "PLATFORM")]
    platform: Option<String>,
    /// Print the time of each phase to stderr.
    #[arg(long)]
    timings: bool,
}

/// `dsgen publish`: check the flags, then publish.
pub(super) fn publish_command(args: PublishArgs) -> anyhow::Result<u8> {
    let PublishArgs {
        branch,
        repo,
        model_dir,
        rev,
        remote,
        message,
        target,
        platform,
        timings,
    } = args;
    let target = match target_flag(target.as_deref()) {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    if message.as_deref().is_some_and(|m| m.trim().is_empty()) {
        eprintln!("dsgen: error: --message is empty");
        return Ok(exit::USAGE);
    }
    let opts = crate::publish::Options {
        branch: &branch,
        model_dir: &model_dir,
        rev: &rev,
        remote: remote.as_deref(),
        message: message.as_deref(),
        selection: crate::target::Selection {
            platform: platform.as_deref(),
            target,
            inventory: false,
        },
    };
    publish_and_report(&repo, &opts, timings)
}

/// `dsgen publish`, once the flags are checked: publish, then say what happened.
fn publish_and_report(
    repo: &Path,
    opts: &crate::publish::Options,
    timings: bool,
) -> anyhow::Result<u8> {
    use crate::publish::{self, PublishError};
    let repository = match crate::check::git::open(repo) {
        Ok(r) => r,
        Err(e) => return Ok(git_error_to_stderr(e)),
    };
    let report = match publish::publish(&repository, opts) {
        Ok(r) => r,
        Err(PublishError::Git(e)) => return Ok(git_error_to_stderr(e)),
        Err(PublishError::Revision(e)) => return Ok(revision_failed(e, "nothing was published")),
        Err(PublishError::Usage(e)) => {
            eprintln!("dsgen: error: {e}");
            return Ok(exit::USAGE);
        }
    };
    let place = match opts.remote {
        Some(r) => format!("`{r}/{}`", opts.branch),
        None => format!("`{}`", opts.branch),
    };
    let model = publish::short(report.model_commit);
    if report.published {
        let raced = if report.attempts > 1 {
            format!(", after {} attempts", report.attempts)
        } else {
            String::new()
        };
        eprintln!(
            "dsgen: published {} to {place}: render of {model} ({} files{raced})",
            publish::short(report.tip),
            report.files
        );
    } else {
        eprintln!(
            "dsgen: nothing to publish: {place} ({}) already holds the render of {model}",
            publish::short(report.tip)
        );
    }
    for note in &report.notes {
        eprintln!("dsgen: note: {note}");
    }
    if timings {
        let [render, write, commit] = report.timings;
        eprintln!(
            "dsgen: timings: read+lint+render {render:.3}s, write objects {write:.3}s, \
             commit and update {commit:.3}s ({} files)",
            report.files
        );
    }
    out(&format!("{}\n", report.tip))?;
    Ok(exit::OK)
}

/// `dsgen verify`.
pub(super) fn verify_command(
    repo: &Path,
    branch: &str,
    model_dir: Option<&str>,
    format: DepsFormat,
) -> anyhow::Result<u8> {
    use crate::publish::{self, verify, PublishError};
    let repository = match crate::check::git::open(repo) {
        Ok(r) => r,
        Err(e) => return Ok(git_error_to_stderr(e)),
    };
    let report = match verify::verify(&repository, branch, model_dir) {
        Ok(r) => r,
        Err(PublishError::Git(e)) => return Ok(git_error_to_stderr(e)),
        Err(PublishError::Revision(e)) => {
            return Ok(revision_failed(e, "cannot verify the branch"))
        }
        Err(PublishError::Usage(e)) => {
            eprintln!("dsgen: error: {e}");
            return Ok(exit::USAGE);
        }
    };
    match format {
        DepsFormat::Json => out(&(serde_json::to_string_pretty(&report)? + "\n"))?,
        DepsFormat::Human => {
            let mut text = String::new();
            for (kind, paths) in [
                ("edited", &report.edited),
                ("missing", &report.missing),
                ("extra", &report.extra),
            ] {
                for p in paths {
                    text.push_str(&format!("{kind:<8} {p}\n"));
                }
            }
            out(&text)?;
        }
    }
    if let Some(v) = &report.published_by {
        eprintln!(
            "dsgen: note: the tip was published by dsgen {v}; this is dsgen {}, so differences \
             may come from the version, not from hand edits",
            report.verified_by
        );
    }
    let head = format!(
        "`{branch}` ({}) against the render of {} (model dir `{}`)",
        publish::short(report.tip),
        publish::short(report.model_commit),
        report.model_dir
    );
    if report.is_clean() {
        eprintln!("dsgen: verified {head}: {} files match", report.files);
        Ok(exit::OK)
    } else {
        eprintln!(
            "dsgen: {head} differs: {} edited, {} missing, {} extra",
            report.edited.len(),
            report.missing.len(),
            report.extra.len()
        );
        Ok(exit::REJECTED)
    }
}

/// Print why a revision did not render and return the exit code: 1 when the model is
/// rejected (lint errors, DS5xx), 2 when the revision or selection is unusable.
fn revision_failed(e: crate::target::revision::RevisionError, what: &str) -> u8 {
    use crate::target::revision::RevisionError;
    use crate::target::RenderError;
    match e {
        RevisionError::Git(e) => git_error_to_stderr(e),
        RevisionError::Lint {
            model,
            diagnostics,
            model_dir,
        } => {
            diagnostics_to_stderr_under(&diagnostics, &model.sources, &model_dir);
            eprintln!("dsgen: error: the model has errors; {what}");
            exit::REJECTED
        }
        RevisionError::Render {
            model,
            error: RenderError::Diagnostics(d),
            model_dir,
        } => {
            diagnostics_to_stderr_under(&d, &model.sources, &model_dir);
            eprintln!("dsgen: error: the model cannot be rendered; {what}");
            exit::REJECTED
        }
        other => {
            eprintln!("dsgen: error: {other}");
            exit::USAGE
        }
    }
}

/// Print a DS9xx diagnostic on stderr; exit 2.
fn git_error_to_stderr(e: crate::check::git::GitError) -> u8 {
    diagnostics_to_stderr(&[e.0], &crate::source::SourceMap::default());
    exit::USAGE
}
