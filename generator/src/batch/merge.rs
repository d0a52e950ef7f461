//! Merge: run each dataset's merge steps over its staged rows, clear staging (and the merged
//! CDC events), then record the batch as `committed` with the row counts.
//!
//! Owns: the `committed` step's transaction and the counts in [`Outcome`]. Does not: build the
//! merge SQL (`milestone::sql::merge_steps`), or ingest.

use super::connect::Context;
use super::state::{dataset_state, latest};
use super::{BatchError, Job, Outcome};
use crate::milestone::sql::{self, q};
use postgres::Client;
use serde_json::Value;
use std::time::Instant;

/// Merge every dataset's staging rows, clear staging (and merged events) and record the batch
/// as `committed`, in one transaction.
pub(super) fn merge_batch(
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
