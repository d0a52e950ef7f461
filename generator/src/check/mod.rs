//! The merge gate (`dsgen check`): is the change from base to head acceptable, from this source?
//!
//! Stages, in gate order: lint the head; with no model at base, only the head's
//! `ecosystem.owning_repo` may create it (DS201); otherwise the change source must be known in
//! base (DS202) and own every changed element (DS203); then backwards compatibility (DS3xx) with
//! the consumer impact of every breaking or widening change. All stages run on every check (as
//! loading reports every problem at once); any error rejects.
//!
//! The core ([`check`]) takes loaded models and returns data; only [`git`] knows about
//! repositories, and [`report`] renders the Markdown summary. Diagnostics of both revisions are
//! rendered against one combined source map: head files keep their paths, base files are shown
//! as `REV:path` (git's own notation for a file at a revision).

pub mod authz;
pub mod codes;
pub mod compat;
pub mod diff;
pub mod git;
pub mod impact;
pub mod report;

use crate::diag::Diagnostic;
use crate::load::Loaded;
use crate::model::index::ModelIndex;
use crate::source::{FileId, SourceFile, SourceMap};
use std::collections::BTreeSet;
use std::sync::Arc;

/// A diagnostic with the repository that could make (or fix) the change, when one does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub owner: Option<String>,
}

/// How files are named in the report.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// Prepended to head file paths (e.g. the model directory in the repository, `models/`).
    pub head_prefix: String,
    /// Prepended to base file paths (e.g. `1a2b3c4:models/`).
    pub base_prefix: String,
}

/// The verdict and everything behind it.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// Every finding, sorted by file, line and code; spans point into `sources`.
    pub findings: Vec<Finding>,
    /// The head's files, then the base's (only those a finding quotes carry their text).
    pub sources: SourceMap,
    pub diff: diff::Diff,
    pub impacts: Vec<impact::Impact>,
    pub source_repo: String,
    /// No model at base: this change creates the ecosystem.
    pub initial_check_in: bool,
    /// The head revision's model, for what is drawn from it (the Markdown summary's graph).
    pub head: crate::model::Model,
}

impl CheckReport {
    pub fn accepted(&self) -> bool {
        !self.findings.iter().any(|f| f.diagnostic.is_error())
    }

    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.findings.iter().map(|f| f.diagnostic.clone()).collect()
    }
}

/// The two revisions a check compares, loaded together so that their file ids agree: a file
/// identical in both has one id, every other file an id of its own (see `load::load_pair`).
/// The only way to build one is [`Revisions::load`], so a base span can never be mistaken for
/// a head span.
#[derive(Debug)]
pub struct Revisions {
    base: Option<Loaded>,
    head: Loaded,
}

impl Revisions {
    /// `base` is `None` when the model directory does not exist at base.
    pub fn load(base: Option<Vec<(String, Vec<u8>)>>, head: Vec<(String, Vec<u8>)>) -> Revisions {
        match base {
            None => Revisions {
                base: None,
                head: crate::load::load_files(head),
            },
            Some(base) => {
                let pair = crate::load::load_pair(base, head);
                Revisions {
                    base: Some(pair.base),
                    head: pair.head,
                }
            }
        }
    }
}

/// With `DSGEN_TIMINGS` set, print how long a phase took to stderr (for the benchmark).
pub fn phase(name: &str, since: std::time::Instant) {
    if std::env::var_os("DSGEN_TIMINGS").is_some() {
        let peak = peak_rss_mib().map_or(String::new(), |m| format!(" (peak RSS so far {m} MiB)"));
        eprintln!(
            "dsgen: timing: {name}: {:.3} s{peak}",
            since.elapsed().as_secs_f64()
        );
    }
}

/// The process's peak resident set (`VmHWM`), where /proc tells it (Linux).
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// Run the gate. `base` is `None` (or has no files) when there is no model at base.
pub fn check(revisions: Revisions, source: &str, labels: &Labels) -> CheckReport {
    let Revisions { base, head } = revisions;
    let t = std::time::Instant::now();
    let (head_model, lint) = crate::lint::lint_loaded(head);
    phase("lint head", t);
    let mut findings: Vec<Finding> = lint
        .into_iter()
        .map(|diagnostic| Finding {
            diagnostic,
            owner: None,
        })
        .collect();
    let base = base.filter(|b| b.model.sources.files().next().is_some());
    let (diff, impacts, base_sources, initial) = match base {
        None => {
            findings.extend(authz::initial_check_in(&head_model, source));
            (
                diff::Diff::default(),
                Vec::new(),
                SourceMap::default(),
                true,
            )
        }
        Some(base) => {
            let base_model = base.model;
            let t = std::time::Instant::now();
            let (bix, hix) = rayon::join(
                || ModelIndex::new(&base_model),
                || ModelIndex::new(&head_model),
            );
            let diff = diff::diff_indexed(&base_model, &head_model, &bix, &hix);
            phase("diff", t);
            let t = std::time::Instant::now();
            match authz::known_source(&base_model, &head_model, &diff, source) {
                Some(unknown) => findings.push(unknown),
                None => findings.extend(authz::authorize(&base_model, &diff, source)),
            }
            let (compat, impacts) = compat::compatibility(&bix, &hix, &diff);
            findings.extend(compat);
            phase("authorization and compatibility", t);
            (diff, impacts, base_model.sources, false)
        }
    };
    let sources = combined_sources(&head_model.sources, &base_sources, &findings, labels);
    sort(&mut findings, &sources);
    CheckReport {
        findings,
        sources,
        diff,
        impacts,
        source_repo: source.to_string(),
        initial_check_in: initial,
        head: head_model,
    }
}

/// Head files, then the base files head does not share, renamed with the labels' prefixes
/// (ids kept). Only files a finding points into keep their text, so a check of a large model
/// does not copy it.
fn combined_sources(
    head: &SourceMap,
    base: &SourceMap,
    findings: &[Finding],
    labels: &Labels,
) -> SourceMap {
    let used: BTreeSet<FileId> = findings
        .iter()
        .flat_map(|f| {
            f.diagnostic
                .span
                .into_iter()
                .chain(f.diagnostic.labels.iter().map(|l| l.span))
        })
        .map(|s| s.file)
        .collect();
    let mut out = SourceMap::default();
    for (prefix, map) in [(&labels.head_prefix, head), (&labels.base_prefix, base)] {
        for (id, file) in map.files() {
            if out.get(id).is_some() {
                continue; // identical in both revisions: shown as the head's file
            }
            let text = if used.contains(&id) { file.text() } else { "" };
            out.insert(
                id,
                Arc::new(SourceFile::new(format!("{prefix}{}", file.path), text)),
            );
        }
    }
    out
}

fn sort(findings: &mut [Finding], sources: &SourceMap) {
    findings.sort_by_cached_key(|f| {
        let d = &f.diagnostic;
        let (path, line, col) = match d.span {
            Some(s) => {
                let (l, c) = sources.line_col(s);
                (sources.path(s.file).to_string(), l, c)
            }
            None => (String::new(), 0, 0),
        };
        (path, line, col, d.code, d.message.clone())
    });
}
