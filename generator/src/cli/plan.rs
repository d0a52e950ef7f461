//! `dsgen plan`: resolves the two revisions (`--base merge-base` through [`RevisionFlags`]),
//! runs [`crate::plan`] on them and prints the plan, or why a side's model was rejected, in
//! the asked format. Every failure is reported here and ends as a [`PlanOutcome`], which
//! [`plan_exit`] turns into dsgen's exit codes or, with `--detailed-exitcode`, Terraform's.

use super::{exit, out, PlanFormat, RevisionFlags};
use crate::diag::render;

/// The flags of `dsgen plan`.
#[derive(Debug, clap::Args)]
pub(super) struct PlanArgs {
    #[command(flatten)]
    revisions: RevisionFlags,
    /// Only platforms of this target. Default: every platform whose target this dsgen
    /// renders (the others are listed as not planned).
    #[arg(long, value_name = "T")]
    target: Option<String>,
    /// Only this platform.
    #[arg(long, value_name = "PLATFORM")]
    platform: Option<String>,
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
    /// Exit 0 when nothing changes, 2 when something does, 1 on any error (Terraform's
    /// convention) instead of dsgen's usual codes.
    #[arg(long)]
    pub(super) detailed_exitcode: bool,
}

/// How `dsgen plan` ended, before it becomes an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PlanOutcome {
    Planned {
        changes: bool,
    },
    /// A revision's model has errors or cannot be rendered.
    Rejected,
    /// Arguments, git or I/O.
    Failed,
}

/// dsgen's codes (0 planned, 1 rejected model, 2 usage/git/I/O), or with --detailed-exitcode
/// Terraform's (0 no changes, 2 changes, 1 any error).
pub(super) fn plan_exit(outcome: PlanOutcome, detailed: bool) -> u8 {
    match (outcome, detailed) {
        (PlanOutcome::Planned { changes: true }, true) => 2,
        (PlanOutcome::Planned { .. }, _) => exit::OK,
        (PlanOutcome::Rejected, _) => exit::REJECTED,
        (PlanOutcome::Failed, true) => 1,
        (PlanOutcome::Failed, false) => exit::USAGE,
    }
}

/// `dsgen plan`: every failure is reported here (never through `run`'s error path, whose exit
/// code would be 2: "changes" under --detailed-exitcode).
pub(super) fn plan_command(args: &PlanArgs) -> PlanOutcome {
    use crate::plan::{report, revisions};
    let (revs, format) = (&args.revisions, args.format);
    let fail = |msg: String| {
        eprintln!("dsgen: error: {msg}");
        PlanOutcome::Failed
    };
    let target = match args.target.as_deref() {
        None => None,
        Some(t) => match crate::model::Target::parse(t) {
            Some(t) => Some(t),
            None => {
                return fail(format!(
                    "unknown target `{t}`; targets: kafka-connect, aws, azure, confluent, \
                     snowflake, legacy"
                ))
            }
        },
    };
    let git_failed = |e: crate::check::git::GitError| {
        let diags = [e.0];
        let empty = crate::source::SourceMap::default();
        let opts = render::Options {
            path_prefix: String::new(),
            color: false,
        };
        let text = match format {
            PlanFormat::Human => {
                eprint!("{}", render::human(&diags, &empty, &opts));
                return PlanOutcome::Failed;
            }
            PlanFormat::Json => render::json(&diags, &empty, &opts),
            PlanFormat::Markdown => render::markdown(&diags, &empty, &opts, "dsgen plan"),
        };
        match out(&text) {
            Ok(()) => PlanOutcome::Failed,
            Err(e) => fail(format!("cannot write the output: {e}")),
        }
    };
    let repo = match crate::check::git::open(&revs.repo) {
        Ok(r) => r,
        Err(e) => return git_failed(e),
    };
    let base = match revs.base_rev(&repo) {
        Ok(rev) => rev,
        Err(e) => return git_failed(e),
    };
    let request = revisions::Request {
        base,
        head: revs.head.clone(),
        model_dir: revs.model_dir.clone(),
        platform: args.platform.clone(),
        target,
        draw: format == PlanFormat::Markdown,
    };
    let mut plan = match revisions::plan(&repo, &request) {
        Ok(p) => p,
        Err(revisions::PlanError::Git(e)) => return git_failed(e),
        Err(revisions::PlanError::Usage(msg)) => return fail(msg),
        Err(revisions::PlanError::Rejected {
            side,
            commit,
            model,
            diagnostics,
        }) => {
            // Head files as in the repository; base files in git's `REV:path` notation.
            let dir = revs.dir();
            let prefix = match (side, dir.as_str()) {
                ("head", ".") => String::new(),
                ("head", d) => d.to_string(),
                (_, d) => format!("{}:{d}", &commit.to_string()[..7]),
            };
            let opts = render::Options {
                path_prefix: prefix,
                color: false,
            };
            let title = format!("dsgen plan: the {side} revision's model is rejected");
            let text = match format {
                PlanFormat::Human => {
                    eprint!("{}", render::human(&diagnostics, &model.sources, &opts));
                    String::new()
                }
                PlanFormat::Json => render::json(&diagnostics, &model.sources, &opts),
                PlanFormat::Markdown => {
                    render::markdown(&diagnostics, &model.sources, &opts, &title)
                }
            };
            if let Err(e) = out(&text) {
                return fail(format!("cannot write the output: {e}"));
            }
            eprintln!(
                "dsgen: error: the model at the {side} revision ({commit}) has errors or cannot \
                 be rendered; nothing was planned"
            );
            return PlanOutcome::Rejected;
        }
    };
    // Use the name the user gave for a resolved merge base.
    if revs.merge_base() {
        plan.base.rev = "merge-base".to_string();
    }
    let text = match format {
        PlanFormat::Human => report::human(&plan),
        PlanFormat::Json => report::json(&plan),
        PlanFormat::Markdown => report::markdown(&plan),
    };
    if let Err(e) = out(&text) {
        return fail(format!("cannot write the output: {e}"));
    }
    for n in &plan.not_planned {
        eprintln!(
            "dsgen: warning: platform `{}` ({}) was not planned: {}",
            n.platform, n.target, n.reason
        );
    }
    PlanOutcome::Planned {
        changes: plan.has_changes(),
    }
}
