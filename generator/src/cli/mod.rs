//! The command line: parses arguments, calls the stages, prints, and picks the exit code.
//! Nothing else in the crate knows about clap, stdout or exit codes.
//!
//! This file owns the clap definitions ([`Cli`] and its subcommands), [`main`], `run` (a dispatch
//! table from each subcommand's flags to its function) and the helpers several commands share: the
//! exit codes, `out`, `model_dir`, [`verdict`], [`render_diagnostics`], `diagnostics_to_stderr`
//! (and `_under` a model directory), `use_color` and `target_flag`. Each command family's glue has
//! its own file: `lint`, `check`, `plan`, `publish` (publish and verify), `render` (render, graph
//! and deps), `batch`, `serve`, `rules` (rules, explain and schema), `fmt`, and `new` (new and
//! synth).

use crate::diag::{self, Diagnostic};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod batch;
mod check;
mod fmt;
mod lint;
mod new;
mod plan;
mod publish;
mod render;
mod rules;
mod serve;

/// Exit codes shared by every command (DESIGN.md "Diagnostics").
pub mod exit {
    pub const OK: u8 = 0;
    pub const REJECTED: u8 = 1;
    pub const USAGE: u8 = 2;
}

#[derive(Debug, Parser)]
#[command(
    name = "dsgen",
    version,
    about = "Lint, check and render a data-ecosystem model",
    long_about = "dsgen reads a directory of HCL model files (see MODEL.md) and lints it. \
                  Exit codes: 0 ok (warnings allowed), 1 the model is rejected, 2 usage or I/O error."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load and lint a model: every diagnostic, sorted by file and line.
    Lint {
        /// Model directory (default: --model-dir, else the current directory).
        dir: Option<PathBuf>,
        /// Model directory.
        #[arg(long, value_name = "DIR")]
        model_dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Prefix for file paths in the output (the model directory relative to the repository
        /// root), so GitHub annotations and SARIF point at the right files.
        #[arg(long, value_name = "PATH", default_value = "")]
        path_prefix: String,
        /// Colour human output: auto, always or never.
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// The merge gate: lint head, authorize the change source, check compatibility and consumer
    /// impact between two git revisions (read from the object database, no checkout).
    Check(check::CheckArgs),
    /// What rendering head instead of base adds, changes and removes, per platform, file and
    /// deployed object, each change classified safe, needs attention or destructive
    /// (docs/plan.md). Exit 0 with or without changes; with --detailed-exitcode 0 no changes, 2
    /// changes, 1 any error.
    Plan(plan::PlanArgs),
    /// List every diagnostic code with its summary.
    Rules {
        /// `human` (a table) or `json`.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Explain one code: what it means, why, and a bad and a good example.
    Explain {
        /// A code such as DS111.
        code: String,
    },
    /// Print the JSON Schema of the model's JSON form (`*.hcl.json`).
    Schema,
    /// Format model files canonically (comments kept).
    Fmt {
        /// Model directory (default: --model-dir, else the current directory).
        dir: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        model_dir: Option<PathBuf>,
        /// Change nothing; list unformatted files and exit 1 if there are any.
        #[arg(long)]
        check: bool,
    },
    /// Write a starter model that lints clean into a new directory.
    New {
        dir: PathBuf,
        /// Ecosystem name (default: the directory's name).
        #[arg(long)]
        name: Option<String>,
    },
    /// The intention graph: one graph per platform of what ingests, exports and transforms.
    Graph {
        /// Model directory (default: --model-dir, else the current directory).
        dir: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        model_dir: Option<PathBuf>,
        /// Only this platform.
        #[arg(long, value_name = "PLATFORM")]
        platform: Option<String>,
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
        /// Only the upstream and downstream of `store:S`, `dataset:S/D` or `workspace:W`.
        #[arg(long, value_name = "ELEMENT")]
        focus: Option<String>,
        /// Print the time of each phase (load, lint, placement, graph, render) to stderr.
        #[arg(long)]
        timings: bool,
    },
    /// Render the selected platforms into --out: `<out>/<platform>/...` and `MANIFEST.json`,
    /// written atomically, byte-identical for the same model.
    Render {
        /// Model directory (default: --model-dir, else the current directory).
        dir: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        model_dir: Option<PathBuf>,
        /// Only platforms of this target (`kafka-connect`, `aws`, `azure`, `confluent`,
        /// `snowflake`, `legacy`).
        #[arg(long, value_name = "T")]
        target: Option<String>,
        /// Only this platform.
        #[arg(long, value_name = "PLATFORM")]
        platform: Option<String>,
        /// Output directory: created, or replaced when empty or a previous dsgen render.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Print the time of each phase to stderr.
        #[arg(long)]
        timings: bool,
    },
    /// The workspaces that depend on a datastore, directly or through transformer chains.
    Deps {
        /// A datastore name.
        store: String,
        #[arg(long, value_name = "DIR")]
        model_dir: Option<PathBuf>,
        /// `human` or `json`.
        #[arg(long, value_enum, default_value_t = DepsFormat::Human)]
        format: DepsFormat,
    },
    /// The read-only REST API over one model revision (docs/serve.md). Prints `listening on
    /// ADDR` on stdout once bound; stops on SIGTERM or ctrl-c after in-flight requests.
    Serve {
        /// Address to bind (port 0: any free port).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Model directory; with --repo, the model directory inside the repository
        /// (default: the repository root).
        #[arg(long, value_name = "DIR")]
        model_dir: Option<PathBuf>,
        /// Serve a revision of this git repository (read from the object database).
        #[arg(long, value_name = "PATH", requires = "rev")]
        repo: Option<PathBuf>,
        /// The revision to serve (a branch to follow with --watch).
        #[arg(long, value_name = "REV", requires = "repo")]
        rev: Option<String>,
        /// Follow --rev: load each new commit in the background and serve it once it lints
        /// clean (a bad commit is reported at /health; the last good one keeps serving).
        #[arg(long, requires = "repo")]
        watch: bool,
        /// Poll interval of --watch, in milliseconds.
        #[arg(long, value_name = "MS", default_value_t = 2000)]
        poll_ms: u64,
    },
    /// Render a model revision and commit it to the generated branch (docs/publish.md): one
    /// commit when the render changed, none when it did not; a compare-and-swap on the branch
    /// tip, never forced. Prints the branch's tip on stdout.
    Publish(publish::PublishArgs),
    /// Re-render the model commit named by the generated branch's tip (its Model-Commit
    /// trailer) and report files edited by hand, missing or extra. Exit 1 when any differ.
    Verify {
        /// The generated branch (or any revision, e.g. `origin/generated`).
        #[arg(long, value_name = "NAME")]
        branch: String,
        /// The git repository (work tree or bare).
        #[arg(long, value_name = "PATH", default_value = ".")]
        repo: PathBuf,
        /// The model's directory inside the repository (default: the tip's Model-Dir trailer).
        #[arg(long, value_name = "DIR")]
        model_dir: Option<String>,
        /// `human` or `json`.
        #[arg(long, value_enum, default_value_t = DepsFormat::Human)]
        format: DepsFormat,
    },
    /// One batch of the merge job of one ingest node against the platform's merge database
    /// (docs/milestoning.md). Exit 0: committed, nothing pending; 1: committed, more pending;
    /// 2: usage, configuration or refused; 3: database error.
    Batch {
        /// The platform (a kafka-connect platform: its `merge_container`).
        #[arg(long, value_name = "P")]
        platform: String,
        /// The ingest node: `ingest/STORE` or `ingest/STORE/DATASET`.
        #[arg(long, value_name = "KEY")]
        node: String,
        #[arg(long, value_name = "DIR")]
        model_dir: Option<PathBuf>,
        /// An environment variable holding a `postgres://` URL of the merge database, instead
        /// of its container and `<CREDENTIAL>_USERNAME` / `<CREDENTIAL>_PASSWORD`.
        #[arg(long, value_name = "VAR")]
        database_url_env: Option<String>,
        /// Clear a stuck (started or ingested) batch; refuses a committed one.
        #[arg(long)]
        reset: bool,
    },
    /// Write a valid synthetic model of N datasets, for benchmarks.
    Synth {
        #[arg(long)]
        datasets: usize,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DepsFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// Entry point used by `main`.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(match err.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    exit::OK
                }
                // Under --detailed-exitcode, 2 means "changes": a usage error must not say so.
                _ if detailed_exitcode_requested() => exit::REJECTED,
                _ => exit::USAGE,
            });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("dsgen: error: {err:#}");
            ExitCode::from(exit::USAGE)
        }
    }
}

/// Whether `dsgen plan --detailed-exitcode` was asked for, judged from the raw arguments (for
/// arguments clap rejects).
fn detailed_exitcode_requested() -> bool {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    args.first().is_some_and(|a| a == "plan") && args.iter().any(|a| a == "--detailed-exitcode")
}

fn model_dir(positional: Option<PathBuf>, flag: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match (positional, flag) {
        (Some(_), Some(_)) => anyhow::bail!(
            "give the model directory either as an argument or with --model-dir, not both"
        ),
        (Some(d), None) | (None, Some(d)) => Ok(d),
        (None, None) => Ok(PathBuf::from(".")),
    }
}

fn out(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        // A closed pipe (`dsgen rules | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Lint {
            dir,
            model_dir: flag,
            format,
            path_prefix,
            color,
        } => lint::lint_command(&model_dir(dir, flag)?, format, path_prefix, color),
        Command::Check(args) => check::check_command(&args),
        Command::Plan(args) => Ok(plan::plan_exit(
            plan::plan_command(&args),
            args.detailed_exitcode,
        )),
        Command::Rules { format } => rules::rules_command(format),
        Command::Explain { code } => rules::explain_command(&code),
        Command::Schema => rules::schema_command(),
        Command::Fmt {
            dir,
            model_dir: flag,
            check,
        } => fmt::format_dir(&model_dir(dir, flag)?, check),
        Command::New { dir, name } => new::new_command(dir, name),
        Command::Graph {
            dir,
            model_dir: flag,
            platform,
            format,
            focus,
            timings,
        } => render::graph_command(
            &model_dir(dir, flag)?,
            platform.as_deref(),
            format,
            focus.as_deref(),
            timings,
        ),
        Command::Render {
            dir,
            model_dir: flag,
            target,
            platform,
            out,
            timings,
        } => render::render_command(
            &model_dir(dir, flag)?,
            target.as_deref(),
            platform.as_deref(),
            &out,
            timings,
        ),
        Command::Deps {
            store,
            model_dir: flag,
            format,
        } => render::deps_command(&model_dir(None, flag)?, &store, format),
        Command::Serve {
            addr,
            model_dir,
            repo,
            rev,
            watch,
            poll_ms,
        } => serve::serve_command(addr, model_dir, repo, rev, watch, poll_ms),
        Command::Publish(args) => publish::publish_command(args),
        Command::Verify {
            branch,
            repo,
            model_dir,
            format,
        } => publish::verify_command(&repo, &branch, model_dir.as_deref(), format),
        Command::Batch {
            platform,
            node,
            model_dir: flag,
            database_url_env,
            reset,
        } => batch::batch_command(
            &model_dir(None, flag)?,
            &platform,
            &node,
            database_url_env.as_deref(),
            reset,
        ),
        Command::Synth { datasets, out: dir } => new::synth_command(&dir, datasets),
    }
}

fn use_color(color: Color) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// 1 when any diagnostic is an error, else 0.
pub fn verdict(diags: &[Diagnostic]) -> u8 {
    if diags.iter().any(Diagnostic::is_error) {
        exit::REJECTED
    } else {
        exit::OK
    }
}

pub fn render_diagnostics(
    diags: &[Diagnostic],
    sources: &crate::source::SourceMap,
    opts: &diag::render::Options,
    format: Format,
    title: &str,
) -> String {
    match format {
        Format::Human => diag::render::human(diags, sources, opts),
        Format::Json => diag::render::json(diags, sources, opts),
        Format::Sarif => diag::render::sarif(diags, sources, opts),
        Format::Github => diag::render::github(diags, sources, opts),
        Format::Markdown => diag::render::markdown(diags, sources, opts, title),
    }
}

/// Print diagnostics for humans on stderr (graph and deps keep stdout for their own output).
fn diagnostics_to_stderr(diags: &[Diagnostic], sources: &crate::source::SourceMap) {
    diagnostics_to_stderr_under(diags, sources, "");
}

/// [`diagnostics_to_stderr`] for a model read from `path_prefix` inside a repository: files
/// are named from the repository's root (`model/platforms.hcl`), as plan and check name them.
fn diagnostics_to_stderr_under(
    diags: &[Diagnostic],
    sources: &crate::source::SourceMap,
    path_prefix: &str,
) {
    if diags.is_empty() {
        return;
    }
    let opts = diag::render::Options {
        path_prefix: path_prefix.to_string(),
        color: false,
    };
    eprint!("{}", diag::render::human(diags, sources, &opts));
}

/// `--target T`: the target, or exit 2 with the list of targets.
fn target_flag(target: Option<&str>) -> Result<Option<crate::model::Target>, u8> {
    match target {
        None => Ok(None),
        Some(t) => match crate::model::Target::parse(t) {
            Some(t) => Ok(Some(t)),
            None => {
                eprintln!(
                    "dsgen: error: unknown target `{t}`; targets: kafka-connect, aws, azure, \
                     confluent, snowflake, legacy"
                );
                Err(exit::USAGE)
            }
        },
    }
}

/// The two revisions `check` and `plan` compare, and where the model is in them.
#[derive(Debug, clap::Args)]
struct RevisionFlags {
    /// Base revision (branch, tag, sha, `origin/main`), or `merge-base` for the merge base of
    /// the head and --base-branch.
    #[arg(long, value_name = "REV")]
    base: String,
    /// Head revision.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    head: String,
    /// The git repository (work tree or bare).
    #[arg(long, value_name = "PATH", default_value = ".")]
    repo: PathBuf,
    /// The model's directory inside the repository.
    #[arg(long, value_name = "DIR", default_value = ".")]
    model_dir: String,
    /// The branch `--base merge-base` branches off (default `origin/$GITHUB_BASE_REF`,
    /// else `origin/HEAD`).
    #[arg(long, value_name = "B")]
    base_branch: Option<String>,
}

impl RevisionFlags {
    fn merge_base(&self) -> bool {
        self.base == "merge-base"
    }

    /// `--base` as a revision git resolves: as given, or for `merge-base` the sha of the
    /// merge base of `--head` and the base branch.
    fn base_rev(&self, repo: &git2::Repository) -> Result<String, crate::check::git::GitError> {
        use crate::check::git;
        if !self.merge_base() {
            return Ok(self.base.clone());
        }
        let head = git::resolve(repo, &self.head)?;
        let tip = git::resolve(repo, &self.base_branch())?;
        Ok(git::merge_base(repo, head, tip)?.to_string())
    }

    /// The branch `--base merge-base` branches off: the flag, else `origin/$GITHUB_BASE_REF`,
    /// else `origin/HEAD`.
    fn base_branch(&self) -> String {
        match &self.base_branch {
            Some(b) => b.clone(),
            None => match std::env::var("GITHUB_BASE_REF") {
                Ok(b) if !b.is_empty() => format!("origin/{b}"),
                _ => "origin/HEAD".to_string(),
            },
        }
    }

    /// The model directory without surrounding `/` or a leading `./`; `.` for the repository's
    /// root.
    fn dir(&self) -> String {
        crate::check::git::normalize_model_dir(&self.model_dir)
    }
}
