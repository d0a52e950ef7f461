//! `dsgen batch`: runs one batch of one ingest node's merge job against the platform's merge
//! database ([`crate::batch`]), or with `--reset` clears a stuck one, and prints what it did.
//! It refuses a model that does not lint clean, and has its own exit codes: 0 committed and
//! nothing pending, 1 committed and more pending, 2 usage or refused, 3 database error.

use super::{diagnostics_to_stderr, exit, verdict};
use crate::lint;
use std::path::Path;

/// `dsgen batch`: its own exit codes (DESIGN.md "Diagnostics"): 0 committed and nothing
/// pending, 1 committed and more pending, 2 usage or refused, 3 database error.
pub(super) fn batch_command(
    dir: &Path,
    platform: &str,
    node: &str,
    url_var: Option<&str>,
    reset: bool,
) -> anyhow::Result<u8> {
    use crate::batch::{self, BatchError, Input};
    let fail = |e: BatchError| {
        eprintln!("dsgen: error: {e}");
        Ok(e.exit_code())
    };
    let loaded = match crate::load::load_dir(dir) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("dsgen: error: {e}");
            return Ok(exit::USAGE);
        }
    };
    let (model, diags) = lint::lint_loaded(loaded);
    if verdict(&diags) != exit::OK {
        diagnostics_to_stderr(&diags, &model.sources);
        eprintln!(
            "dsgen: error: the model has errors; no batch runs on a model that does not lint clean"
        );
        return Ok(exit::USAGE);
    }
    let job = match batch::Job::new(&model, platform, node) {
        Ok(j) => j,
        Err(e) => return fail(e),
    };
    let env = |k: &str| std::env::var(k).ok();
    let mut merge = match batch::connect(&job.merge, &env, url_var) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if reset {
        return match batch::reset(&job, &mut merge) {
            Ok(r) => {
                println!(
                    "platform {platform} node {node}: reset batch {} (was {}); its staged rows are \
                     cleared and the next run starts batch {} again",
                    r.batch, r.state, r.batch
                );
                Ok(exit::OK)
            }
            Err(e) => fail(e),
        };
    }
    let mut source = match &job.input {
        Input::Pull { endpoint, .. } => match batch::connect(endpoint, &env, None) {
            Ok(c) => Some(c),
            Err(e) => return fail(e),
        },
        Input::Events => None,
    };
    match batch::run(&job, &mut merge, source.as_mut(), batch::Options::default()) {
        Ok(o) => {
            let rate = |secs: f64| {
                if secs > 0.0 {
                    format!("{:.0} rows/s", o.rows_ingested as f64 / secs)
                } else {
                    "-".to_string()
                }
            };
            println!(
                "platform {platform} node {node}: batch {} committed{}: {} rows ingested in \
                 {:.3}s ({}), merged in {:.3}s ({}): {} inserted, {} updated, {} deleted, {} \
                 closed{}{}",
                o.batch,
                if o.resumed { " (resumed)" } else { "" },
                o.rows_ingested,
                o.ingest_seconds,
                rate(o.ingest_seconds),
                o.merge_seconds,
                rate(o.merge_seconds),
                o.inserted,
                o.updated,
                o.deleted,
                o.closed,
                if o.reconciled.is_empty() {
                    String::new()
                } else {
                    format!("; DDL reconciled for {}", o.reconciled.join(", "))
                },
                if o.more { "; more work pending" } else { "" }
            );
            Ok(if o.more { 1 } else { exit::OK })
        }
        Err(e) => fail(e),
    }
}
