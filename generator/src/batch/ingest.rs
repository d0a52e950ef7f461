//! Ingest: fill each dataset's staging table, from a PostgreSQL source (a `snapshot`, or a
//! `watermark` range above the last committed one, copied across) or from the CDC events the
//! JDBC sink landed in the merge database, then record the batch as `ingested`.
//!
//! Owns: the `ingested` step's transaction and the per-dataset state it records (rows,
//! watermark, CDC position). Does not: build the SQL text (`milestone::sql`), or merge.

use super::connect::Context;
use super::state::dataset_state;
use super::{BatchError, Input, Job, Outcome};
use crate::milestone::sql::{self, q};
use crate::milestone::Feed;
use postgres::Client;
use serde_json::{json, Map, Value};
use std::time::Instant;

/// Ingest every dataset into staging and record the batch as `ingested`, in one transaction.
pub(super) fn ingest(
    job: &Job,
    merge: &mut Client,
    mut source: Option<&mut Client>,
    batch: i32,
    previous: &Value,
    out: &mut Outcome,
) -> Result<(), BatchError> {
    let started = Instant::now();
    let mut tx = merge
        .transaction()
        .ctx(|| format!("cannot begin the ingest of batch {batch} of {}", job.what()))?;
    let mut datasets = Map::new();
    let mut total = 0i64;
    for (i, d) in job.datasets.iter().enumerate() {
        let what = || {
            format!(
                "cannot ingest dataset `{}.{}` into batch {batch} of {}",
                d.store,
                d.dataset,
                job.what()
            )
        };
        let prev = dataset_state(previous, &d.dataset);
        let mut state = json!({ "schema_hash": d.schema_hash(), "key": d.key });
        tx.batch_execute(&sql::staging_clear(d)).ctx(what)?;
        match (&job.input, d.feed) {
            (Input::Pull { tables, endpoint }, feed) => {
                let src = source.as_deref_mut().ok_or_else(|| {
                    BatchError::Usage(format!("no connection to the {}", endpoint.role))
                })?;
                let table = &tables[i];
                let mut range: Option<(Option<String>, String)> = None;
                let mut take = true;
                if feed == Feed::Watermark {
                    let low = prev
                        .and_then(|p| p.get("watermark"))
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    let high: Option<String> = match sql::watermark_high(d, table) {
                        Some(s) => src.query_one(&s, &[]).ctx(what)?.get(0),
                        None => None,
                    };
                    state["watermark"] = json!(high.clone().or(low.clone()));
                    match high {
                        None => take = false,
                        Some(h) if Some(&h) == low.as_ref() => take = false,
                        Some(h) => {
                            let ty = d
                                .columns
                                .iter()
                                .find(|c| Some(&c.name) == d.watermark.as_ref())
                                .map(|c| c.sql_type.clone())
                                .unwrap_or_else(|| "text".into());
                            range = Some((
                                low.map(|l| format!("{}::{ty}", sql::lit(&l))),
                                format!("{}::{ty}", sql::lit(&h)),
                            ));
                        }
                    }
                }
                if take {
                    tx.batch_execute(&sql::pull_table(d)).ctx(what)?;
                    let copy_out = sql::pull_source(
                        d,
                        table,
                        range.as_ref().map(|(l, h)| (l.as_deref(), h.as_str())),
                    );
                    let mut reader = src.copy_out(&copy_out).ctx(|| {
                        format!(
                            "cannot read source table `{table}` of dataset `{}.{}` from the {}",
                            d.store, d.dataset, endpoint.role
                        )
                    })?;
                    let mut writer = tx.copy_in(&sql::pull_copy_in(d)).ctx(what)?;
                    std::io::copy(&mut reader, &mut writer).map_err(|e| BatchError::Database {
                        context: what(),
                        message: format!("copying rows failed: {e}"),
                    })?;
                    drop(reader);
                    writer.finish().ctx(what)?;
                    tx.execute(&sql::pull_to_staging(d), &[&batch]).ctx(what)?;
                    tx.batch_execute(&format!("DROP TABLE {}", q(sql::PULL_TABLE)))
                        .ctx(what)?;
                }
            }
            (Input::Events, _) => {
                let low: i64 = prev
                    .and_then(|p| p.get("cdc_position"))
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                let high: i64 = match sql::events_high(d) {
                    Some(s) => tx.query_one(&s, &[]).ctx(what)?.get(0),
                    None => low,
                };
                let high = high.max(low);
                if let Some(s) = sql::events_to_staging(d) {
                    tx.execute(&s, &[&batch, &low, &high]).ctx(what)?;
                }
                state["cdc_position"] = json!(high);
            }
        }
        tx.batch_execute(&format!("ANALYZE {}", q(&d.staging)))
            .ctx(what)?;
        let rows: i64 = tx
            .query_one(&format!("SELECT count(*) FROM {}", q(&d.staging)), &[])
            .ctx(what)?
            .get(0);
        state["rows"] = json!(rows);
        total += rows;
        datasets.insert(d.dataset.clone(), state);
    }
    let secs = started.elapsed().as_secs_f64();
    let state = json!({ "datasets": datasets }).to_string();
    // Keep what the start recorded (reconciled) and add what the ingest found.
    tx.execute(
        &format!(
            "UPDATE {} SET \"state\" = 'ingested', \"ingested_at\" = now(), \
             \"rows_ingested\" = $3, \"ingest_seconds\" = $4, \
             \"batch_state\" = jsonb_build_object('datasets', \
                 (SELECT jsonb_object_agg(k, coalesce(\"batch_state\"->'datasets'->k, '{{}}'::jsonb) || v) \
                  FROM jsonb_each($5::text::jsonb->'datasets') AS e(k, v))) \
             WHERE \"key\" = $1 AND \"batch_id\" = $2",
            q(&job.batch_tables.metrics)
        ),
        &[&job.node, &batch, &total, &secs, &state],
    )
    .ctx(|| format!("cannot record batch {batch} of {} as ingested", job.what()))?;
    tx.commit().ctx(|| {
        format!(
            "cannot commit the ingest of batch {batch} of {}",
            job.what()
        )
    })?;
    out.rows_ingested = total;
    out.ingest_seconds = secs;
    Ok(())
}
