//! The batch state machine: a node's batches move `started` → `ingested` → `committed`, and the
//! metrics table's latest row of the node says where a run resumes. Also the node's lock, the
//! check for pending source rows after a commit, and `--reset` of an uncommitted batch.
//!
//! Owns: reading the metrics rows, the lock, choosing the next step. Does not: the steps
//! themselves (`reconcile` records a batch `started`, `ingest` records it `ingested`, `merge`
//! records it `committed`).

use super::connect::Context;
use super::ingest::ingest;
use super::merge::merge_batch;
use super::reconcile::reconcile;
use super::{BatchError, Input, Job, Options, Outcome};
use crate::milestone::sql::{self, q};
use postgres::Client;
use serde_json::Value;
use std::time::{Duration, Instant};

pub(super) struct Latest {
    batch: i32,
    state: String,
    pub(super) batch_state: Value,
}

pub(super) fn latest(
    c: &mut Client,
    job: &Job,
    committed_only: bool,
) -> Result<Option<Latest>, BatchError> {
    let filter = if committed_only {
        " AND \"state\" = 'committed'"
    } else {
        ""
    };
    let row = c
        .query_opt(
            &format!(
                "SELECT \"batch_id\", \"state\", \"batch_state\"::text FROM {} WHERE \"key\" = $1{filter} \
                 ORDER BY \"batch_id\" DESC LIMIT 1",
                q(&job.batch_tables.metrics)
            ),
            &[&job.node],
        )
        .ctx(|| format!("cannot read the batch state of {}", job.what()))?;
    Ok(row.map(|r| Latest {
        batch: r.get(0),
        state: r.get(1),
        batch_state: serde_json::from_str(r.get::<_, &str>(2)).unwrap_or(Value::Null),
    }))
}

pub(super) fn dataset_state<'v>(state: &'v Value, dataset: &str) -> Option<&'v Value> {
    state.get("datasets").and_then(|d| d.get(dataset))
}

/// Create the batch tables and take the node's lock (held until the connection closes).
pub(super) fn prepare(c: &mut Client, job: &Job) -> Result<(), BatchError> {
    for s in sql::batch_tables_ddl(&job.batch_tables) {
        c.batch_execute(&s).ctx(|| {
            format!(
                "cannot create the batch tables of platform `{}`",
                job.platform
            )
        })?;
    }
    // A run that just ended may hold the lock until the server notices its connection closed:
    // wait a little before calling it a concurrent run.
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        let got: bool = c
            .query_one(
                "SELECT pg_try_advisory_lock(hashtext($1))",
                &[&lock_key(job)],
            )
            .ctx(|| format!("cannot lock {}", job.what()))?
            .get(0);
        if got {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(BatchError::Refused(format!(
                "another `dsgen batch` is running {} (waited {} s for its lock); try again \
                 when it ends",
                job.what(),
                LOCK_WAIT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// How long a run waits for the node's lock.
const LOCK_WAIT: Duration = Duration::from_secs(10);

fn lock_key(job: &Job) -> String {
    format!("{}/{}", job.batch_tables.metrics, job.node)
}

/// Release the node's lock now rather than when the connection closes (best effort: closing
/// the connection releases it anyway).
pub(super) fn unlock(c: &mut Client, job: &Job) {
    let _ = c.query_one("SELECT pg_advisory_unlock(hashtext($1))", &[&lock_key(job)]);
}

pub(super) fn run_locked(
    job: &Job,
    merge: &mut Client,
    mut source: Option<&mut Client>,
    opts: Options,
) -> Result<Outcome, BatchError> {
    let last = latest(merge, job, false)?;
    let committed = match &last {
        Some(l) if l.state == "committed" => Some(Latest {
            batch: l.batch,
            state: l.state.clone(),
            batch_state: l.batch_state.clone(),
        }),
        _ => latest(merge, job, true)?,
    };
    let previous = committed
        .as_ref()
        .map(|c| c.batch_state.clone())
        .unwrap_or(Value::Null);
    let mut out = Outcome::default();
    let (batch, state) = match &last {
        Some(l) if l.state == "started" => {
            out.resumed = true;
            let reconciled = reconcile(merge, job, &l.batch_state, l.batch, false)?;
            out.reconciled = reconciled;
            (l.batch, "started")
        }
        Some(l) if l.state == "ingested" => {
            for d in &job.datasets {
                let recorded = dataset_state(&l.batch_state, &d.dataset)
                    .and_then(|s| s.get("schema_hash"))
                    .and_then(Value::as_str);
                if recorded != Some(d.schema_hash().as_str()) {
                    return Err(BatchError::Refused(format!(
                        "batch {} of {} was ingested under another schema of dataset `{}.{}`; \
                         run `dsgen batch --reset` to clear it, then run again",
                        l.batch,
                        job.what(),
                        d.store,
                        d.dataset
                    )));
                }
            }
            out.resumed = true;
            (l.batch, "ingested")
        }
        _ => {
            let batch = last.as_ref().map_or(0, |l| l.batch) + 1;
            out.reconciled = reconcile(merge, job, &previous, batch, true)?;
            (batch, "started")
        }
    };
    out.batch = batch;
    if state == "started" {
        ingest(
            job,
            merge,
            source.as_deref_mut(),
            batch,
            &previous,
            &mut out,
        )?;
        if opts.stop_after_ingest {
            return Ok(out);
        }
    }
    merge_batch(job, merge, batch, &mut out)?;
    out.committed = true;
    out.more = out.resumed || pending(job, merge, source, batch)?;
    Ok(out)
}

/// Whether the source holds what a next batch would take: newer watermarks, unmerged events.
fn pending(
    job: &Job,
    merge: &mut Client,
    source: Option<&mut Client>,
    batch: i32,
) -> Result<bool, BatchError> {
    let state = latest(merge, job, true)?
        .map(|l| l.batch_state)
        .unwrap_or(Value::Null);
    match &job.input {
        Input::Events => {
            for d in &job.datasets {
                if let Some(cdc) = &d.cdc {
                    let more: bool = merge
                        .query_one(&format!("SELECT EXISTS (SELECT 1 FROM {})", q(cdc)), &[])
                        .ctx(|| {
                            format!(
                                "cannot check for new events after batch {batch} of {}",
                                job.what()
                            )
                        })?
                        .get(0);
                    if more {
                        return Ok(true);
                    }
                }
            }
            Ok(false)
        }
        Input::Pull { tables, .. } => {
            let Some(src) = source else { return Ok(false) };
            for (i, d) in job.datasets.iter().enumerate() {
                let Some(w) = &d.watermark else { continue };
                let Some(high) = dataset_state(&state, &d.dataset)
                    .and_then(|s| s.get("watermark"))
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let ty = d
                    .columns
                    .iter()
                    .find(|c| &c.name == w)
                    .map(|c| c.sql_type.clone())
                    .unwrap_or_else(|| "text".into());
                let more: bool = src
                    .query_one(
                        &format!(
                            "SELECT EXISTS (SELECT 1 FROM {} WHERE {} > {}::{ty})",
                            sql::qualified(&tables[i]),
                            q(w),
                            sql::lit(high)
                        ),
                        &[],
                    )
                    .ctx(|| {
                        format!(
                            "cannot check the source of dataset `{}.{}` for newer rows",
                            d.store, d.dataset
                        )
                    })?
                    .get(0);
                if more {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

/// What `--reset` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reset {
    pub batch: i32,
    pub state: String,
}

/// Clear the node's uncommitted batch: its staged rows, its metrics row; the counter goes back
/// so the next run starts that batch again. Refuses a committed batch.
pub fn reset(job: &Job, merge: &mut Client) -> Result<Reset, BatchError> {
    prepare(merge, job)?;
    let result = reset_locked(job, merge);
    unlock(merge, job);
    result
}

fn reset_locked(job: &Job, merge: &mut Client) -> Result<Reset, BatchError> {
    let Some(last) = latest(merge, job, false)? else {
        return Err(BatchError::Refused(format!(
            "{} has never run a batch; there is nothing to reset",
            job.what()
        )));
    };
    if last.state == "committed" {
        return Err(BatchError::Refused(format!(
            "batch {} of {} is committed; --reset only clears a batch that is started or \
             ingested, and a committed batch is history",
            last.batch,
            job.what()
        )));
    }
    let what = || format!("cannot reset batch {} of {}", last.batch, job.what());
    let mut tx = merge.transaction().ctx(what)?;
    for d in &job.datasets {
        // A table may not exist yet when the batch died while reconciling.
        let exists: bool = tx
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&q(&d.staging)])
            .ctx(what)?
            .get(0);
        if exists {
            tx.batch_execute(&sql::staging_clear(d)).ctx(what)?;
        }
    }
    tx.execute(
        &format!(
            "DELETE FROM {} WHERE \"key\" = $1 AND \"batch_id\" = $2",
            q(&job.batch_tables.metrics)
        ),
        &[&job.node, &last.batch],
    )
    .ctx(what)?;
    tx.execute(
        &format!(
            "UPDATE {} SET \"current_batch\" = $2 WHERE \"key\" = $1",
            q(&job.batch_tables.counter)
        ),
        &[&job.node, &(last.batch - 1)],
    )
    .ctx(what)?;
    tx.commit().ctx(what)?;
    Ok(Reset {
        batch: last.batch,
        state: last.state,
    })
}
