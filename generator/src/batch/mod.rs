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
mod job;

pub use connect::{connect, credential_vars};
pub use job::{Endpoint, Input, Job};

use crate::milestone::sql::{self, q};
use crate::milestone::{DatasetTables, Feed};
use connect::Context;
use postgres::{Client, Transaction};
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

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

struct Latest {
    batch: i32,
    state: String,
    batch_state: Value,
}

fn latest(c: &mut Client, job: &Job, committed_only: bool) -> Result<Option<Latest>, BatchError> {
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

fn dataset_state<'v>(state: &'v Value, dataset: &str) -> Option<&'v Value> {
    state.get("datasets").and_then(|d| d.get(dataset))
}

/// Create the batch tables and take the node's lock (held until the connection closes).
fn prepare(c: &mut Client, job: &Job) -> Result<(), BatchError> {
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
fn unlock(c: &mut Client, job: &Job) {
    let _ = c.query_one("SELECT pg_advisory_unlock(hashtext($1))", &[&lock_key(job)]);
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

fn run_locked(
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

/// The batch state of a dataset at the start of a batch.
fn start_state(d: &DatasetTables, reconciled: bool) -> Value {
    json!({
        "schema_hash": d.schema_hash(),
        "key": d.key,
        "reconciled": reconciled,
    })
}

/// Reconcile DDL of every dataset whose schema hash differs from `previous`, then record the
/// batch as `started` (when `start`), in one transaction. Returns the reconciled datasets.
fn reconcile(
    c: &mut Client,
    job: &Job,
    previous: &Value,
    batch: i32,
    start: bool,
) -> Result<Vec<String>, BatchError> {
    let mut tx = c
        .transaction()
        .ctx(|| format!("cannot begin batch {batch} of {}", job.what()))?;
    let mut reconciled = Vec::new();
    let mut datasets = Map::new();
    for d in &job.datasets {
        let prev = dataset_state(previous, &d.dataset);
        let prev_hash = prev
            .and_then(|p| p.get("schema_hash"))
            .and_then(Value::as_str);
        let changed = prev_hash != Some(d.schema_hash().as_str());
        if changed {
            if let Some(prev_key) = prev.and_then(|p| p.get("key")) {
                if prev_key != &json!(d.key) {
                    return Err(BatchError::Refused(format!(
                        "the key of dataset `{}.{}` changed from {prev_key} to {:?}; {} cannot \
                         keep its history across a key change",
                        d.store,
                        d.dataset,
                        d.key,
                        job.what()
                    )));
                }
            }
            reconcile_dataset(&mut tx, job, d)?;
            reconciled.push(d.dataset.clone());
        }
        let mut s = start_state(d, changed);
        // A resumed `started` batch keeps the record of what its first run reconciled.
        if !start && !changed {
            if let Some(r) = prev.and_then(|p| p.get("reconciled")) {
                s["reconciled"] = r.clone();
            }
        }
        datasets.insert(d.dataset.clone(), s);
    }
    let state = json!({ "datasets": datasets }).to_string();
    if start {
        tx.execute(
            &format!(
                "INSERT INTO {} (\"key\", \"current_batch\") VALUES ($1, $2) \
                 ON CONFLICT (\"key\") DO UPDATE SET \"current_batch\" = EXCLUDED.\"current_batch\"",
                q(&job.batch_tables.counter)
            ),
            &[&job.node, &batch],
        )
        .ctx(|| format!("cannot advance the batch counter of {}", job.what()))?;
        tx.execute(
            &format!(
                "INSERT INTO {} (\"key\", \"batch_id\", \"state\", \"batch_state\") \
                 VALUES ($1, $2, 'started', $3::text::jsonb)",
                q(&job.batch_tables.metrics)
            ),
            &[&job.node, &batch, &state],
        )
        .ctx(|| format!("cannot record batch {batch} of {} as started", job.what()))?;
    } else if !reconciled.is_empty() {
        tx.execute(
            &format!(
                "UPDATE {} SET \"batch_state\" = $3::text::jsonb WHERE \"key\" = $1 AND \"batch_id\" = $2",
                q(&job.batch_tables.metrics)
            ),
            &[&job.node, &batch, &state],
        )
        .ctx(|| format!("cannot record batch {batch} of {}", job.what()))?;
    }
    tx.commit()
        .ctx(|| format!("cannot start batch {batch} of {}", job.what()))?;
    Ok(reconciled)
}

/// A source column of a table in the catalog: (type as `format_type` spells it, NOT NULL).
fn catalog_columns(
    tx: &mut Transaction,
    table: &str,
) -> Result<Vec<(String, String, bool)>, postgres::Error> {
    let rows = tx.query(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull \
         FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 \
         AND NOT a.attisdropped ORDER BY a.attnum",
        &[&q(table)],
    )?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}

/// Create what is missing, alter what changed (added columns, widened types, dropped NOT
/// NULL), re-hash the merge table when its columns changed, and recreate the views.
fn reconcile_dataset(tx: &mut Transaction, job: &Job, d: &DatasetTables) -> Result<(), BatchError> {
    let what = || {
        format!(
            "cannot reconcile the tables of dataset `{}.{}` ({})",
            d.store,
            d.dataset,
            job.what()
        )
    };
    let merge_existed = !catalog_columns(tx, &d.merge).ctx(what)?.is_empty();
    // The views go first: PostgreSQL refuses to change the type of a column a view reads (a
    // widening), and they are recreated from the new columns at the end, in this transaction.
    for v in &d.views {
        tx.batch_execute(&format!("DROP VIEW IF EXISTS {}", q(&v.name)))
            .ctx(what)?;
    }
    for s in sql::dataset_ddl(d) {
        tx.batch_execute(&s).ctx(what)?;
    }
    let mut tables: Vec<(&str, bool)> = vec![(&d.staging, false), (&d.merge, true)];
    if let Some(cdc) = &d.cdc {
        tables.push((cdc, false));
    }
    let mut merge_changed = false;
    for (table, is_merge) in tables {
        let existing = catalog_columns(tx, table).ctx(what)?;
        for (name, ty, _) in &existing {
            let ours = name.starts_with("ds_surf_") || name.starts_with("__");
            if !ours && !d.columns.iter().any(|c| &c.name == name) {
                return Err(BatchError::Refused(format!(
                    "table `{table}` has column `{name}`, which dataset `{}.{}` no longer \
                     declares; dsgen batch never drops a column (its history would be lost): \
                     drop it by hand if that is intended ({ty})",
                    d.store, d.dataset
                )));
            }
        }
        for c in &d.columns {
            let not_null = is_merge && !c.nullable;
            match existing.iter().find(|(n, _, _)| n == &c.name) {
                None => {
                    tx.batch_execute(&format!(
                        "ALTER TABLE {} ADD COLUMN {} {}{}",
                        q(table),
                        q(&c.name),
                        c.sql_type,
                        if not_null { " NOT NULL" } else { "" }
                    ))
                    .ctx(what)?;
                    merge_changed |= is_merge;
                }
                Some((_, ty, nn)) => {
                    if ty != &c.sql_type {
                        tx.batch_execute(&format!(
                            "ALTER TABLE {} ALTER COLUMN {} TYPE {}",
                            q(table),
                            q(&c.name),
                            c.sql_type
                        ))
                        .ctx(what)?;
                        merge_changed |= is_merge;
                    }
                    if *nn && !not_null {
                        tx.batch_execute(&format!(
                            "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL",
                            q(table),
                            q(&c.name)
                        ))
                        .ctx(what)?;
                    }
                }
            }
        }
    }
    if merge_existed && merge_changed {
        tx.batch_execute(&sql::rehash(d)).ctx(what)?;
    }
    for s in sql::views_ddl(d) {
        tx.batch_execute(&s).ctx(what)?;
    }
    Ok(())
}

/// Ingest every dataset into staging and record the batch as `ingested`, in one transaction.
fn ingest(
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
