//! `dsgen batch`: one batch of the merge job of one ingest node, against the platform's merge
//! database (docs/milestoning.md).
//!
//! A batch moves through `started` → `ingested` → `committed`, each step one transaction that
//! also records the state in the platform's metrics table, so a run killed anywhere resumes
//! where it stopped: a `started` batch ingests again from scratch, an `ingested` one merges. The
//! statements are `milestone::sql`'s, the same text the kafka-connect target renders.
//!
//! Owns: connecting (credentials from the environment, never printed), the state machine, DDL
//! reconcile against the catalog, ingest (pull from a PostgreSQL source, or the CDC events the
//! JDBC sink landed) and merge. Does not: build SQL text, or read model files.

mod connect;
mod ingest;
mod job;
mod reconcile;
mod state;

pub use connect::{connect, credential_vars};
pub use job::{Endpoint, Input, Job};
pub use state::{reset, Reset};

use state::{dataset_state, latest, prepare, run_locked, unlock};

use crate::milestone::sql::{self, q};
use connect::Context;
use postgres::Client;
use serde_json::Value;
use std::time::Instant;

/// Why a batch did not run. Messages name the platform, node and dataset, and never hold a
/// password or a connection URL.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The platform, node or model cannot be batched (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A credential or URL is missing from the environment (exit 2).
    #[error("{0}")]
    Config(String),
    /// The batch's state forbids the request: another run holds the node, `--reset` of a
    /// committed batch (exit 2).
    #[error("{0}")]
    Refused(String),
    /// The database said no (exit 3).
    #[error("{context}: {message}")]
    Database { context: String, message: String },
}

impl BatchError {
    /// The exit code (DESIGN.md: 2 or more on error).
    pub fn exit_code(&self) -> u8 {
        match self {
            BatchError::Usage(_) | BatchError::Config(_) | BatchError::Refused(_) => 2,
            BatchError::Database { .. } => 3,
        }
    }
}

/// Run options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Stop once the batch is `ingested` (tests simulate a run killed before the merge).
    pub stop_after_ingest: bool,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub batch: i32,
    /// The run finished a batch an earlier run left `started` or `ingested`.
    pub resumed: bool,
    pub committed: bool,
    /// Committed, and the source has more than this batch took (exit 1).
    pub more: bool,
    pub rows_ingested: i64,
    pub inserted: i64,
    pub updated: i64,
    pub deleted: i64,
    /// Forensic: live versions closed (changed or deleted).
    pub closed: i64,
    pub ingest_seconds: f64,
    pub merge_seconds: f64,
    /// Datasets whose DDL this run reconciled.
    pub reconciled: Vec<String>,
}

/// Run one batch of `job`: resume an unfinished one, else start the next.
pub fn run(
    job: &Job,
    merge: &mut Client,
    source: Option<&mut Client>,
    opts: Options,
) -> Result<Outcome, BatchError> {
    prepare(merge, job)?;
    let result = run_locked(job, merge, source, opts);
    unlock(merge, job);
    result
}

/// Merge every dataset's staging rows, clear staging (and merged events) and record the batch
/// as `committed`, in one transaction.
fn merge_batch(
    job: &Job,
    merge: &mut Client,
    batch: i32,
    out: &mut Outcome,
) -> Result<(), BatchError> {
    let started = Instant::now();
    let state = latest(merge, job, false)?
        .map(|l| l.batch_state)
        .unwrap_or(Value::Null);
    let mut tx = merge
        .transaction()
        .ctx(|| format!("cannot begin the merge of batch {batch} of {}", job.what()))?;
    for d in &job.datasets {
        let what = |step: &str| {
            format!(
                "cannot merge dataset `{}.{}` in batch {batch} of {} ({step})",
                d.store,
                d.dataset,
                job.what()
            )
        };
        for step in sql::merge_steps(d) {
            let n = tx.execute(&step.sql, &[&batch]).ctx(|| what(step.name))? as i64;
            match step.counts {
                sql::Counts::Inserted => out.inserted += n,
                sql::Counts::Updated => out.updated += n,
                sql::Counts::Deleted => out.deleted += n,
                sql::Counts::Closed => out.closed += n,
            }
        }
        tx.batch_execute(&sql::staging_clear(d))
            .ctx(|| what("clear staging"))?;
        if let Some(s) = sql::events_clear(d) {
            let position = dataset_state(&state, &d.dataset)
                .and_then(|s| s.get("cdc_position"))
                .and_then(Value::as_i64)
                .unwrap_or(0);
            tx.execute(&s, &[&position])
                .ctx(|| what("clear merged events"))?;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    tx.execute(
        &format!(
            "UPDATE {} SET \"state\" = 'committed', \"committed_at\" = now(), \
             \"rows_inserted\" = $3, \"rows_updated\" = $4, \"rows_deleted\" = $5, \
             \"merge_seconds\" = $6 WHERE \"key\" = $1 AND \"batch_id\" = $2",
            q(&job.batch_tables.metrics)
        ),
        &[
            &job.node,
            &batch,
            &out.inserted,
            &(out.updated + out.closed),
            &out.deleted,
            &secs,
        ],
    )
    .ctx(|| format!("cannot record batch {batch} of {} as committed", job.what()))?;
    tx.commit()
        .ctx(|| format!("cannot commit the merge of batch {batch} of {}", job.what()))?;
    out.merge_seconds = secs;
    if out.rows_ingested == 0 {
        out.rows_ingested = dataset_rows(&state);
    }
    Ok(())
}

fn dataset_rows(state: &Value) -> i64 {
    state
        .get("datasets")
        .and_then(Value::as_object)
        .map(|m| {
            m.values()
                .filter_map(|d| d.get("rows").and_then(Value::as_i64))
                .sum()
        })
        .unwrap_or(0)
}
