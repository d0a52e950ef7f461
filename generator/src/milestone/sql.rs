//! The SQL text of the merge database: DDL of the batch tables and of each dataset's objects,
//! the ingest statements and the merge statements. Statements take the batch id as `$1`
//! (and positions as `$2`/`$3` where noted), exactly as `dsgen batch` prepares them.

use super::{
    BatchTables, DatasetTables, Feed, HashText, MergeColumn, Mode, ALL_HASH, BATCH_ID, BATCH_IN,
    BATCH_OUT, EVENT_DELETED, EVENT_ID, EVENT_OP, EVENT_TS, IUD, KEY_HASH, LIVE_BATCH_OUT,
};

/// A quoted identifier.
pub fn q(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// A quoted string literal.
pub fn lit(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A possibly schema-qualified table (`schema.table`, each part quoted).
pub fn qualified(table: &str) -> String {
    table.split('.').map(q).collect::<Vec<_>>().join(".")
}

/// Session settings every batch connection sets first, so `::text` of every type (and so every
/// hash) is the same whatever the server's defaults.
pub const SESSION: &str = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; \
     SET IntervalStyle = 'iso_8601'; SET bytea_output = 'hex'; SET extra_float_digits = 1";

/// The batch counter and metrics tables of a platform.
pub fn batch_tables_ddl(t: &BatchTables) -> Vec<String> {
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    \"key\" text PRIMARY KEY,\n    \
             \"current_batch\" integer NOT NULL\n)",
            q(&t.counter)
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    \"key\" text NOT NULL,\n    \
             \"batch_id\" integer NOT NULL,\n    \
             \"state\" text NOT NULL CHECK (\"state\" IN ('started', 'ingested', 'committed')),\n    \
             \"started_at\" timestamp with time zone NOT NULL DEFAULT now(),\n    \
             \"ingested_at\" timestamp with time zone,\n    \
             \"committed_at\" timestamp with time zone,\n    \
             \"rows_ingested\" bigint,\n    \
             \"rows_inserted\" bigint,\n    \
             \"rows_updated\" bigint,\n    \
             \"rows_deleted\" bigint,\n    \
             \"ingest_seconds\" double precision,\n    \
             \"merge_seconds\" double precision,\n    \
             \"batch_state\" jsonb NOT NULL DEFAULT '{{}}',\n    \
             PRIMARY KEY (\"key\", \"batch_id\")\n)",
            q(&t.metrics)
        ),
    ]
}

fn column_defs(cols: &[MergeColumn], keep_not_null: bool) -> Vec<String> {
    cols.iter()
        .map(|c| {
            let mut s = format!("{} {}", q(&c.name), c.sql_type);
            if keep_not_null && !c.nullable {
                s.push_str(" NOT NULL");
            }
            s
        })
        .collect()
}

fn table(name: &str, defs: &[String]) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {} (\n    {}\n)",
        q(name),
        defs.join(",\n    ")
    )
}

/// The tables and indexes of one dataset: staging, the CDC landing table (event feeds), the
/// merge table. Idempotent (`IF NOT EXISTS`).
pub fn dataset_ddl(t: &DatasetTables) -> Vec<String> {
    let mut out = Vec::new();
    // Staging: every column nullable (a CDC delete carries only its key).
    let mut defs = column_defs(&t.columns, false);
    defs.push(format!("{} integer NOT NULL", q(BATCH_ID)));
    defs.push(format!("{} character varying(32) NOT NULL", q(ALL_HASH)));
    defs.push(format!("{} character varying(32) NOT NULL", q(KEY_HASH)));
    if t.feed == Feed::Events {
        defs.push(format!(
            "{} character(1) NOT NULL CHECK ({} IN ('I', 'U', 'D'))",
            q(IUD),
            q(IUD)
        ));
    }
    // No index on staging: it holds one batch, which the merge joins by hash (a snapshot) or
    // probes into the merge table's key index (events, watermark); an index would only slow
    // the load.
    out.push(table(&t.staging, &defs));
    if let Some(cdc) = &t.cdc {
        let mut defs = vec![format!(
            "{} bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            q(EVENT_ID)
        )];
        defs.extend(column_defs(&t.columns, false));
        defs.push(format!("{} text", q(EVENT_OP)));
        defs.push(format!("{} bigint", q(EVENT_TS)));
        defs.push(format!("{} text", q(EVENT_DELETED)));
        out.push(table(cdc, &defs));
    }
    let mut defs = column_defs(&t.columns, true);
    match t.mode {
        Mode::Live => {
            defs.push(format!("{} integer NOT NULL", q(BATCH_ID)));
            defs.push(format!("{} character varying(32) NOT NULL", q(ALL_HASH)));
            defs.push(format!("{} character varying(32) NOT NULL", q(KEY_HASH)));
            out.push(table(&t.merge, &defs));
            out.push(format!(
                "CREATE UNIQUE INDEX IF NOT EXISTS {} ON {} ({})",
                q(&t.index("merge_key")),
                q(&t.merge),
                q(KEY_HASH)
            ));
        }
        Mode::Forensic => {
            defs.push(format!("{} character varying(32) NOT NULL", q(ALL_HASH)));
            defs.push(format!("{} character varying(32) NOT NULL", q(KEY_HASH)));
            defs.push(format!("{} integer NOT NULL", q(BATCH_IN)));
            defs.push(format!(
                "{} integer NOT NULL DEFAULT {LIVE_BATCH_OUT}",
                q(BATCH_OUT)
            ));
            let mut key: Vec<String> = if t.key.is_empty() {
                vec![q(KEY_HASH)]
            } else {
                t.key.iter().map(|k| q(k)).collect()
            };
            key.push(q(BATCH_IN));
            defs.push(format!("PRIMARY KEY ({})", key.join(", ")));
            out.push(table(&t.merge, &defs));
            // At most one live row per key, enforced by the database.
            out.push(format!(
                "CREATE UNIQUE INDEX IF NOT EXISTS {} ON {} ({}) WHERE {} = {LIVE_BATCH_OUT}",
                q(&t.index("merge_live")),
                q(&t.merge),
                q(KEY_HASH),
                q(BATCH_OUT)
            ));
        }
    }
    out
}

fn select_list(t: &DatasetTables, alias: Option<&str>) -> String {
    t.columns
        .iter()
        .map(|c| match alias {
            Some(a) => format!("{a}.{}", q(&c.name)),
            None => q(&c.name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each sink's views: `CREATE OR REPLACE VIEW`, source columns only.
pub fn views_ddl(t: &DatasetTables) -> Vec<String> {
    t.views
        .iter()
        .map(|v| {
            let filter = if t.mode == Mode::Forensic && !v.full {
                format!(" WHERE {} = {LIVE_BATCH_OUT}", q(BATCH_OUT))
            } else {
                String::new()
            };
            format!(
                "CREATE OR REPLACE VIEW {} AS SELECT {} FROM {}{filter}",
                q(&v.name),
                select_list(t, None),
                q(&t.merge)
            )
        })
        .collect()
}

/// The canonical text of one column (`alias.col` when `alias` is given).
fn text_of(c: &MergeColumn, alias: Option<&str>) -> String {
    let col = match alias {
        Some(a) => format!("{a}.{}", q(&c.name)),
        None => q(&c.name),
    };
    match c.hash {
        HashText::Cast => format!("{col}::text"),
        HashText::Timestamp => format!("to_char({col}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"),
        HashText::TimestampTz => {
            format!("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
        }
        HashText::Date => format!("to_char({col}, 'YYYY-MM-DD')"),
    }
}

/// The encoding of some columns (DESIGN.md): per column `~` when NULL, else `LENGTH:TEXT`,
/// concatenated in order.
pub fn encoding_expr(cols: &[&MergeColumn], alias: Option<&str>) -> String {
    if cols.is_empty() {
        return "''".into();
    }
    cols.iter()
        .map(|c| {
            let t = text_of(c, alias);
            // NULL propagates through `||`, so the coalesce sees NULL exactly when the value is.
            format!("coalesce(length({t})::text || ':' || {t}, '~')")
        })
        .collect::<Vec<_>>()
        .join(" || ")
}

/// MD5 hex of [`encoding_expr`].
pub fn hash_expr(cols: &[&MergeColumn], alias: Option<&str>) -> String {
    format!("md5({})", encoding_expr(cols, alias))
}

fn all_cols(t: &DatasetTables) -> Vec<&MergeColumn> {
    t.columns.iter().collect()
}

/// The temporary table a pulled source is copied into, and its name.
pub const PULL_TABLE: &str = "ds_surf_in";

/// Create the pull table (dropped at commit).
pub fn pull_table(t: &DatasetTables) -> String {
    format!(
        "CREATE TEMP TABLE {} ({}) ON COMMIT DROP",
        q(PULL_TABLE),
        column_defs(&t.columns, false).join(", ")
    )
}

/// The source side of a pull: `COPY (SELECT declared columns ...) TO STDOUT`, over the
/// half-open range `[low, high)` of the watermark column when given (literals of its type,
/// already quoted with [`lit`] and cast).
pub fn pull_source(
    t: &DatasetTables,
    source_table: &str,
    range: Option<(Option<&str>, &str)>,
) -> String {
    let mut s = format!(
        "SELECT {} FROM {}",
        select_list(t, None),
        qualified(source_table)
    );
    if let (Some(w), Some((low, high))) = (&t.watermark, range) {
        s.push_str(&format!(" WHERE {} < {high}", q(w)));
        if let Some(low) = low {
            s.push_str(&format!(" AND {} >= {low}", q(w)));
        }
    }
    format!("COPY ({s}) TO STDOUT")
}

/// The highest watermark of the source, as text.
pub fn watermark_high(t: &DatasetTables, source_table: &str) -> Option<String> {
    t.watermark.as_ref().map(|w| {
        format!(
            "SELECT max({})::text FROM {}",
            q(w),
            qualified(source_table)
        )
    })
}

/// The merge side of a pull: `COPY ds_surf_in (...) FROM STDIN`.
pub fn pull_copy_in(t: &DatasetTables) -> String {
    format!(
        "COPY {} ({}) FROM STDIN",
        q(PULL_TABLE),
        select_list(t, None)
    )
}

/// Pulled rows into staging with their hashes (`$1` = batch). A keyless dataset is a set:
/// identical rows collapse.
pub fn pull_to_staging(t: &DatasetTables) -> String {
    let distinct = if t.key.is_empty() { "DISTINCT " } else { "" };
    format!(
        "INSERT INTO {} ({}, {}, {}, {}) SELECT {distinct}{}, $1::integer, {}, {} FROM {}",
        q(&t.staging),
        select_list(t, None),
        q(BATCH_ID),
        q(ALL_HASH),
        q(KEY_HASH),
        select_list(t, None),
        hash_expr(&all_cols(t), None),
        hash_expr(&t.key_or_all(), None),
        q(PULL_TABLE)
    )
}

/// The landed events of `($2, $3]` into staging, conflated per key to the last event
/// (`$1` = batch). An event is a delete when Debezium says so (`__op = 'd'` or `__deleted`).
pub fn events_to_staging(t: &DatasetTables) -> Option<String> {
    let cdc = t.cdc.as_ref()?;
    let iud = format!(
        "CASE WHEN {op} = 'd' OR lower({del}) = 'true' THEN 'D' WHEN {op} IN ('c', 'r') THEN 'I' ELSE 'U' END",
        op = q(EVENT_OP),
        del = q(EVENT_DELETED)
    );
    Some(format!(
        "INSERT INTO {staging} ({cols}, {b}, {a}, {k}, {iud_col}) \
         SELECT {cols}, $1::integer, {all}, ds_surf_k, ds_surf_e_iud FROM (\
         SELECT DISTINCT ON (ds_surf_k) {cols}, ds_surf_k, ds_surf_e_iud FROM (\
         SELECT {cols}, {key} AS ds_surf_k, {iud} AS ds_surf_e_iud, {eid} AS ds_surf_e \
         FROM {cdc} WHERE {eid} > $2::bigint AND {eid} <= $3::bigint) ds_surf_events \
         ORDER BY ds_surf_k, ds_surf_e DESC) ds_surf_last",
        staging = q(&t.staging),
        cols = select_list(t, None),
        b = q(BATCH_ID),
        a = q(ALL_HASH),
        k = q(KEY_HASH),
        iud_col = q(IUD),
        all = hash_expr(&all_cols(t), None),
        key = hash_expr(&t.key_or_all(), None),
        eid = q(EVENT_ID),
        cdc = q(cdc),
    ))
}

/// The newest landed event's position (0 when none).
pub fn events_high(t: &DatasetTables) -> Option<String> {
    t.cdc
        .as_ref()
        .map(|c| format!("SELECT coalesce(max({}), 0) FROM {}", q(EVENT_ID), q(c)))
}

/// Landed events up to `$1`, merged: deleted in the merge transaction.
pub fn events_clear(t: &DatasetTables) -> Option<String> {
    t.cdc
        .as_ref()
        .map(|c| format!("DELETE FROM {} WHERE {} <= $1::bigint", q(c), q(EVENT_ID)))
}

/// Empty the staging table (one batch of a node is in flight at a time, and each dataset
/// belongs to one node).
pub fn staging_clear(t: &DatasetTables) -> String {
    format!("TRUNCATE {}", q(&t.staging))
}

/// What a merge statement's row count means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    Inserted,
    Updated,
    Deleted,
    /// Forensic: live versions closed at B−1 (changed or deleted).
    Closed,
}

/// One statement of a merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: &'static str,
    pub counts: Counts,
    pub sql: String,
}

/// The merge of staging batch `$1` into the merge table, in order, to run in one transaction.
pub fn merge_steps(t: &DatasetTables) -> Vec<Step> {
    let m = q(&t.merge);
    let s = q(&t.staging);
    let (b, a, k) = (q(BATCH_ID), q(ALL_HASH), q(KEY_HASH));
    let (bin, bout) = (q(BATCH_IN), q(BATCH_OUT));
    let iud = q(IUD);
    let cols = select_list(t, None);
    let s_cols = select_list(t, Some("s"));
    let not_delete = if t.feed == Feed::Events {
        format!(" AND s.{iud} <> 'D'")
    } else {
        String::new()
    };
    let mut steps = Vec::new();
    match t.mode {
        Mode::Live => {
            match t.feed {
                Feed::Snapshot => steps.push(Step {
                    name: "delete keys missing from the snapshot",
                    counts: Counts::Deleted,
                    sql: format!(
                        "DELETE FROM {m} m WHERE NOT EXISTS (SELECT 1 FROM {s} s \
                         WHERE s.{b} = $1::integer AND s.{k} = m.{k})"
                    ),
                }),
                Feed::Events => steps.push(Step {
                    name: "delete deleted keys",
                    counts: Counts::Deleted,
                    sql: format!(
                        "DELETE FROM {m} m USING {s} s WHERE s.{b} = $1::integer \
                         AND s.{iud} = 'D' AND m.{k} = s.{k}"
                    ),
                }),
                Feed::Watermark => {}
            }
            let sets = t
                .columns
                .iter()
                .map(|c| format!("{} = s.{}", q(&c.name), q(&c.name)))
                .collect::<Vec<_>>()
                .join(", ");
            steps.push(Step {
                name: "update changed rows",
                counts: Counts::Updated,
                sql: format!(
                    "UPDATE {m} m SET {sets}, {b} = $1::integer, {a} = s.{a} FROM {s} s \
                     WHERE s.{b} = $1::integer{not_delete} AND m.{k} = s.{k} AND m.{a} <> s.{a}"
                ),
            });
            steps.push(Step {
                name: "insert new rows",
                counts: Counts::Inserted,
                sql: format!(
                    "INSERT INTO {m} ({cols}, {b}, {a}, {k}) SELECT {s_cols}, $1::integer, s.{a}, s.{k} \
                     FROM {s} s WHERE s.{b} = $1::integer{not_delete} \
                     AND NOT EXISTS (SELECT 1 FROM {m} m WHERE m.{k} = s.{k})"
                ),
            });
        }
        Mode::Forensic => {
            let close = match t.feed {
                Feed::Snapshot => format!(
                    "UPDATE {m} m SET {bout} = $1::integer - 1 WHERE m.{bout} = {LIVE_BATCH_OUT} \
                     AND NOT EXISTS (SELECT 1 FROM {s} s WHERE s.{b} = $1::integer \
                     AND s.{k} = m.{k} AND s.{a} = m.{a})"
                ),
                Feed::Watermark => format!(
                    "UPDATE {m} m SET {bout} = $1::integer - 1 FROM {s} s \
                     WHERE s.{b} = $1::integer AND m.{bout} = {LIVE_BATCH_OUT} \
                     AND m.{k} = s.{k} AND m.{a} <> s.{a}"
                ),
                Feed::Events => format!(
                    "UPDATE {m} m SET {bout} = $1::integer - 1 FROM {s} s \
                     WHERE s.{b} = $1::integer AND m.{bout} = {LIVE_BATCH_OUT} \
                     AND m.{k} = s.{k} AND (s.{iud} = 'D' OR m.{a} <> s.{a})"
                ),
            };
            steps.push(Step {
                name: "close changed and deleted live rows at B-1",
                counts: Counts::Closed,
                sql: close,
            });
            steps.push(Step {
                name: "insert new and changed rows at B",
                counts: Counts::Inserted,
                sql: format!(
                    "INSERT INTO {m} ({cols}, {a}, {k}, {bin}, {bout}) \
                     SELECT {s_cols}, s.{a}, s.{k}, $1::integer, {LIVE_BATCH_OUT} FROM {s} s \
                     WHERE s.{b} = $1::integer{not_delete} AND NOT EXISTS (SELECT 1 FROM {m} m \
                     WHERE m.{k} = s.{k} AND m.{bout} = {LIVE_BATCH_OUT})"
                ),
            });
        }
    }
    steps
}

/// Recompute every stored hash of the merge table: after a column is added, so unchanged rows
/// stay unchanged under the new schema.
pub fn rehash(t: &DatasetTables) -> String {
    format!(
        "UPDATE {} SET {} = {}, {} = {}",
        q(&t.merge),
        q(ALL_HASH),
        hash_expr(&all_cols(t), None),
        q(KEY_HASH),
        hash_expr(&t.key_or_all(), None)
    )
}

/// One statement per line, each ended by `;`, after a header comment.
pub fn script(header: &str, statements: &[String]) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("--");
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
    for s in statements {
        out.push('\n');
        out.push_str(s);
        out.push_str(";\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::milestone::View;

    fn tables(mode: Mode, feed: Feed) -> DatasetTables {
        DatasetTables {
            platform: "P".into(),
            store: "S".into(),
            dataset: "people".into(),
            mode,
            feed,
            columns: vec![
                MergeColumn {
                    name: "id".into(),
                    sql_type: "integer".into(),
                    nullable: false,
                    hash: HashText::Cast,
                },
                MergeColumn {
                    name: "seen".into(),
                    sql_type: "timestamp with time zone".into(),
                    nullable: true,
                    hash: HashText::TimestampTz,
                },
            ],
            key: vec!["id".into()],
            watermark: None,
            staging: "p_s_people_staging".into(),
            cdc: (feed == Feed::Events).then(|| "p_s_people_cdc".into()),
            merge: "p_s_people_merge".into(),
            views: vec![View {
                name: "p_w_d_s_people_view_live".into(),
                workspace: "W".into(),
                dsg: "D".into(),
                full: false,
            }],
        }
    }

    #[test]
    fn identifiers_and_literals_are_quoted() {
        assert_eq!(q("a\"b"), "\"a\"\"b\"");
        assert_eq!(lit("it's"), "'it''s'");
        assert_eq!(qualified("sales.order$lines"), "\"sales\".\"order$lines\"");
    }

    #[test]
    fn hashes_encode_null_and_length() {
        let t = tables(Mode::Live, Feed::Snapshot);
        let e = encoding_expr(&t.columns.iter().collect::<Vec<_>>(), None);
        assert_eq!(
            e,
            "coalesce(length(\"id\"::text)::text || ':' || \"id\"::text, '~') || \
             coalesce(length(to_char(\"seen\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))::text || ':' || \
             to_char(\"seen\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '~')"
        );
    }

    #[test]
    fn forensic_merge_closes_before_it_inserts() {
        let steps = merge_steps(&tables(Mode::Forensic, Feed::Snapshot));
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].counts, Counts::Closed);
        assert!(steps[0].sql.contains("$1::integer - 1"));
        assert!(steps[1].sql.contains("2147483647"));
    }

    #[test]
    fn the_live_snapshot_merge_deletes_missing_keys_and_events_delete_deleted_ones() {
        let snap = merge_steps(&tables(Mode::Live, Feed::Snapshot));
        assert!(snap[0]
            .sql
            .starts_with("DELETE FROM \"p_s_people_merge\" m WHERE NOT EXISTS"));
        let ev = merge_steps(&tables(Mode::Live, Feed::Events));
        assert!(ev[0].sql.contains("'D'"));
        let wm = merge_steps(&tables(Mode::Live, Feed::Watermark));
        assert!(wm.iter().all(|s| s.counts != Counts::Deleted));
    }

    #[test]
    fn forensic_merge_tables_key_on_source_key_and_batch_in() {
        let ddl = dataset_ddl(&tables(Mode::Forensic, Feed::Events)).join("\n");
        assert!(
            ddl.contains("PRIMARY KEY (\"id\", \"ds_surf_batch_in\")"),
            "{ddl}"
        );
        assert!(
            ddl.contains("WHERE \"ds_surf_batch_out\" = 2147483647"),
            "{ddl}"
        );
        assert!(ddl.contains("\"p_s_people_cdc\""), "{ddl}");
        assert!(
            ddl.contains("\"ds_surf_iud\" character(1) NOT NULL"),
            "{ddl}"
        );
        let views = views_ddl(&tables(Mode::Forensic, Feed::Events));
        assert_eq!(
            views[0],
            "CREATE OR REPLACE VIEW \"p_w_d_s_people_view_live\" AS SELECT \"id\", \"seen\" \
             FROM \"p_s_people_merge\" WHERE \"ds_surf_batch_out\" = 2147483647"
        );
    }
}
