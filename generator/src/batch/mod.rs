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
//!
//! Layout: this file holds the public API ([`BatchError`], [`Options`], [`Outcome`], [`run`],
//! and the items of the submodules re-exported below, so every `pub` item is at
//! `crate::batch::X`). `connect`: connections and database errors; `job`: the node's batch
//! resolved from the model; `state`: the state machine, lock, pending check and `--reset`;
//! `reconcile`, `ingest`, `merge`: the three steps, each one transaction.

mod connect;
mod ingest;
mod job;
mod merge;
mod reconcile;
mod state;

pub use connect::{connect, credential_vars};
pub use job::{Endpoint, Input, Job};
pub use state::{reset, Reset};

use postgres::Client;
use state::{prepare, run_locked, unlock};

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
