//! `dsgen check`, the merge gate: resolves the two revisions (`--base merge-base` included)
//! and the change source (the flag, else the pull request in `$GITHUB_EVENT_PATH`), reads both
//! models from git, runs [`crate::check`], and prints the report. Exit 0 accepted, 1 rejected,
//! 2 for arguments, environment or git (a DS9xx diagnostic).

use super::{exit, out, render_diagnostics, use_color, Color, Format, RevisionFlags};
use crate::diag::render;
use std::path::Path;

/// `dsgen check`.
pub(super) fn check_command(args: &CheckArgs) -> anyhow::Result<u8> {
    let (format, color) = (args.format, args.color);
    let opts = render::Options {
        path_prefix: String::new(),
        color: use_color(color),
    };
    match run_check(args) {
        Ok(report) => {
            let text = match format {
                Format::Markdown => crate::check::report::markdown(&report),
                _ => render_diagnostics(
                    &report.diagnostics(),
                    &report.sources,
                    &opts,
                    format,
                    "dsgen check",
                ),
            };
            out(&text)?;
            if format == Format::Human {
                eprintln!(
                    "dsgen: check {} ({} changed element(s), source {})",
                    if report.accepted() {
                        "accepted"
                    } else {
                        "rejected"
                    },
                    report.diff.changes.len(),
                    report.source_repo
                );
            }
            Ok(if report.accepted() {
                exit::OK
            } else {
                exit::REJECTED
            })
        }
        Err(CheckError::Usage(message)) => {
            eprintln!("dsgen: error: {message}");
            Ok(exit::USAGE)
        }
        Err(CheckError::Git(e)) => {
            let diags = [e.0];
            let empty = crate::source::SourceMap::default();
            let text = match format {
                Format::Markdown => render::markdown(&diags, &empty, &opts, "dsgen check"),
                _ => render_diagnostics(&diags, &empty, &opts, format, "dsgen check"),
            };
            if format == Format::Human {
                eprint!("{text}");
            } else {
                out(&text)?;
            }
            Ok(exit::USAGE)
        }
    }
}

/// The flags of `dsgen check`.
#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    #[command(flatten)]
    revisions: RevisionFlags,
    /// The repository the change comes from, `github:OWNER/REPO@BRANCH`. Default: the pull
    /// request's head in `$GITHUB_EVENT_PATH` (never GITHUB_REPOSITORY).
    #[arg(long, value_name = "REPO")]
    source_repo: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Colour human output: auto, always or never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

enum CheckError {
    /// Exit 2 without a code: arguments or environment.
    Usage(String),
    /// Exit 2 with a DS9xx diagnostic.
    Git(crate::check::git::GitError),
}

impl From<crate::check::git::GitError> for CheckError {
    fn from(e: crate::check::git::GitError) -> CheckError {
        CheckError::Git(e)
    }
}

/// The change source: the flag, else the pull request's head in `$GITHUB_EVENT_PATH`.
fn change_source(flag: Option<String>) -> Result<String, CheckError> {
    if let Some(s) = flag {
        return Ok(s);
    }
    let Some(path) = std::env::var_os("GITHUB_EVENT_PATH") else {
        return Err(CheckError::Usage(
            "no change source: pass --source-repo github:OWNER/REPO@BRANCH, or run in a pull_request workflow (GITHUB_EVENT_PATH)".into(),
        ));
    };
    let payload = std::fs::read_to_string(&path).map_err(|e| {
        CheckError::Usage(format!(
            "cannot read the event payload `{}`: {e}",
            Path::new(&path).display()
        ))
    })?;
    crate::check::git::source_from_event(&payload).map_err(|e| {
        CheckError::Usage(format!(
            "no change source: {e}; pass --source-repo github:OWNER/REPO@BRANCH"
        ))
    })
}

fn run_check(args: &CheckArgs) -> Result<crate::check::CheckReport, CheckError> {
    use crate::check::{self, git};
    let source = change_source(args.source_repo.clone())?;
    let t = std::time::Instant::now();
    let revs = &args.revisions;
    let repo = git::open(&revs.repo)?;
    let head = git::resolve(&repo, &revs.head)?;
    let base = git::resolve(&repo, &revs.base_rev(&repo)?)?;
    let dir = revs.dir();
    let prefix = if dir == "." {
        String::new()
    } else {
        format!("{dir}/")
    };
    let (base_files, head_files) = git::model_files_pair(&repo, base, head, &dir)?;
    let Some(head_files) = head_files else {
        return Err(CheckError::Usage(format!(
            "the model directory `{}` does not exist at the head revision {}",
            revs.model_dir, revs.head
        )));
    };
    check::phase("read both revisions from git", t);
    let short = base.to_string()[..7].to_string();
    let labels = check::Labels {
        head_prefix: prefix.clone(),
        base_prefix: format!("{short}:{prefix}"),
    };
    let t = std::time::Instant::now();
    let revisions = check::Revisions::load(base_files, head_files);
    check::phase("load both revisions", t);
    let t = std::time::Instant::now();
    let report = check::check(revisions, &source, &labels);
    check::phase("check (lint, diff, authorization, compatibility)", t);
    Ok(report)
}
