//! DDL reconcile against the catalog: create or alter a dataset's staging, merge and CDC tables
//! and its views when its schema hash changed, then record the batch as `started`.
//!
//! Owns: the `started` step's transaction and the refusals that keep history (a changed key, a
//! column the dataset no longer declares). Does not: build the DDL text (`milestone::sql`), or
//! decide when to reconcile (`state`).

use super::connect::Context;
use super::state::dataset_state;
use super::{BatchError, Job};
use crate::milestone::sql::{self, q};
use crate::milestone::DatasetTables;
use postgres::{Client, Transaction};
use serde_json::{json, Map, Value};

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
pub(super) fn reconcile(
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
