//! Milestoning (DESIGN.md "Milestoning"): the merge-database objects of one platform and the
//! SQL that keeps them, as text. Pure: nothing here connects to a database, so every statement
//! is unit-testable; `batch` executes exactly these statements and the kafka-connect target
//! renders them into `sql/` (docs/milestoning.md).
//!
//! Owns: object names (through `render::names`), the PostgreSQL type of each model column type,
//! the row hashes, the schema hash that decides when DDL is reconciled, and the DDL and merge
//! statements. Does not: read the catalog, run anything, or decide placement.

pub mod sql;

use crate::broker::Placement;
use crate::graph::{captured_ingests, node_datasets, CapturedIngest, PlatformGraph};
use crate::model::datatype::DataType;
use crate::model::index::ModelIndex;
use crate::model::{CaptureKind, Dataset, PlatformMilestoning};
use crate::render::names;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};

/// PostgreSQL's identifier limit: every generated name fits it (shortened by the SHA-1 rule).
pub const PG_IDENTIFIER_LIMIT: usize = 63;

/// `ds_surf_batch_out` of a live row in a forensic merge table.
pub const LIVE_BATCH_OUT: i32 = i32::MAX;

/// Columns the merge objects add to the source columns.
pub const BATCH_ID: &str = "ds_surf_batch_id";
pub const ALL_HASH: &str = "ds_surf_all_hash";
pub const KEY_HASH: &str = "ds_surf_key_hash";
pub const IUD: &str = "ds_surf_iud";
pub const BATCH_IN: &str = "ds_surf_batch_in";
pub const BATCH_OUT: &str = "ds_surf_batch_out";
/// The CDC landing table's order of arrival: the position a batch resumes after.
pub const EVENT_ID: &str = "ds_surf_event_id";
/// Fields Debezium's `ExtractNewRecordState` adds (`add.fields = op,source.ts_ms`, deletes
/// rewritten with `__deleted`).
pub const EVENT_OP: &str = "__op";
pub const EVENT_TS: &str = "__source_ts_ms";
pub const EVENT_DELETED: &str = "__deleted";

/// How a platform keeps history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// SCD1: one row per key, `ds_surf_batch_id` = batch of its last change.
    Live,
    /// SCD2: every version of a key as a `[batch_in, batch_out]` interval.
    Forensic,
}

impl Mode {
    pub fn of(m: PlatformMilestoning) -> Mode {
        match m {
            PlatformMilestoning::LiveOnly => Mode::Live,
            PlatformMilestoning::Forensic => Mode::Forensic,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Forensic => "forensic",
        }
    }
}

/// How rows reach the staging table of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// The whole source table every batch; keys missing from it are deleted.
    Snapshot,
    /// Rows of `[low, high)` of the watermark column; nothing is ever deleted.
    Watermark,
    /// Change events landed by the JDBC sink (`cdc` and `kafka` captures), conflated per key.
    Events,
}

impl Feed {
    pub fn of(kind: CaptureKind) -> Feed {
        match kind {
            CaptureKind::Snapshot => Feed::Snapshot,
            CaptureKind::Watermark => Feed::Watermark,
            CaptureKind::Cdc | CaptureKind::Kafka => Feed::Events,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Feed::Snapshot => "snapshot",
            Feed::Watermark => "watermark",
            Feed::Events => "events",
        }
    }
}

/// How a column's value becomes the canonical text its hash encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashText {
    /// `::text` (the batch session fixes DateStyle, IntervalStyle, bytea_output and
    /// extra_float_digits, docs/milestoning.md).
    Cast,
    /// `timestamp` (UTC): ISO-8601 with microseconds and `Z`.
    Timestamp,
    /// `timestamp(tz)`: converted to UTC first.
    TimestampTz,
    /// `date`: `YYYY-MM-DD`.
    Date,
}

/// One source column in the merge database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeColumn {
    /// The model's name, quoted as is.
    pub name: String,
    /// PostgreSQL's canonical spelling (`format_type`), so the catalog compares equal.
    pub sql_type: String,
    pub nullable: bool,
    pub hash: HashText,
}

/// A view over a merge table for one sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub name: String,
    pub workspace: String,
    pub dsg: String,
    /// `_view_full` (every version) rather than `_view_live`.
    pub full: bool,
}

/// Everything the merge database holds for one dataset on one platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetTables {
    pub platform: String,
    pub store: String,
    pub dataset: String,
    pub mode: Mode,
    pub feed: Feed,
    pub columns: Vec<MergeColumn>,
    /// Key column names; empty: every column is the key.
    pub key: Vec<String>,
    /// The watermark column (watermark feeds).
    pub watermark: Option<String>,
    pub staging: String,
    /// The CDC landing table (event feeds only).
    pub cdc: Option<String>,
    pub merge: String,
    pub views: Vec<View>,
}

/// The platform-wide batch bookkeeping tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchTables {
    pub counter: String,
    pub metrics: String,
}

/// A generated PostgreSQL identifier: `names::sql_identifier` at PostgreSQL's limit.
pub fn pg_name(raw: &str) -> String {
    names::sql_identifier(raw, PG_IDENTIFIER_LIMIT)
}

impl BatchTables {
    pub fn of(platform: &str) -> BatchTables {
        BatchTables {
            counter: pg_name(&format!("{platform}_batch_counter")),
            metrics: pg_name(&format!("{platform}_batch_metrics")),
        }
    }
}

/// Why a dataset has no merge objects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TablesError {
    #[error("column `{column}` of dataset `{store}.{dataset}` has no valid type")]
    NoType {
        store: String,
        dataset: String,
        column: String,
    },
    #[error("dataset `{store}.{dataset}` has a watermark capture but no column `{column}`")]
    NoWatermark {
        store: String,
        dataset: String,
        column: String,
    },
}

/// The PostgreSQL type of a model column type, as `format_type` spells it. Types PostgreSQL
/// has no native form for are kept losslessly: JSON-like ones as `jsonb`, geography as its
/// text (WKT), floats wider than 64 bits as `numeric`.
pub fn pg_type(t: &DataType) -> String {
    fn sized(base: &str, n: Option<u32>, unbounded: &str) -> String {
        match n {
            Some(n) => format!("{base}({n})"),
            None => unbounded.to_string(),
        }
    }
    match t {
        DataType::Boolean => "boolean".into(),
        DataType::Int { bits } => match bits {
            0..=16 => "smallint".into(),
            17..=32 => "integer".into(),
            33..=64 => "bigint".into(),
            _ => "numeric".into(),
        },
        DataType::UInt { bits } => match bits {
            0..=15 => "smallint".into(),
            16..=31 => "integer".into(),
            32..=63 => "bigint".into(),
            _ => "numeric".into(),
        },
        DataType::Decimal { size, scale } => format!("numeric({size},{scale})"),
        DataType::Float(f) => match f.ieee_bits() {
            Some(64) => "double precision".into(),
            Some(b) if b > 64 => "numeric".into(),
            _ => "real".into(),
        },
        DataType::Char(n) | DataType::NChar(n) => sized("character", *n, "text"),
        DataType::VarChar(n) | DataType::NVarChar(n) => sized("character varying", *n, "text"),
        DataType::Date => "date".into(),
        DataType::Timestamp { tz: false } => "timestamp without time zone".into(),
        DataType::Timestamp { tz: true } => "timestamp with time zone".into(),
        DataType::Interval => "interval".into(),
        DataType::Variant(_) | DataType::Map { .. } | DataType::Struct(_) => "jsonb".into(),
        DataType::Binary(_) => "bytea".into(),
        DataType::Array { element, .. } => {
            let inner = pg_type(element);
            // PostgreSQL arrays are multi-dimensional already: `integer[]` holds `integer[][]`.
            if inner.ends_with("[]") {
                inner
            } else {
                format!("{inner}[]")
            }
        }
        DataType::Vector { .. } => "real[]".into(),
        DataType::Geography { .. } => "text".into(),
    }
}

fn hash_text(t: &DataType) -> HashText {
    match t {
        DataType::Timestamp { tz: false } => HashText::Timestamp,
        DataType::Timestamp { tz: true } => HashText::TimestampTz,
        DataType::Date => HashText::Date,
        _ => HashText::Cast,
    }
}

/// The merge objects of one dataset. `sinks` are the (workspace, DSG) pairs on the platform
/// that read it; each gets a `_view_live`, and a `_view_full` on forensic platforms.
#[allow(clippy::too_many_arguments)]
pub fn dataset_tables(
    platform: &str,
    mode: Mode,
    feed: Feed,
    store: &str,
    dataset: &Dataset,
    watermark: Option<&str>,
    sinks: &[(String, String)],
) -> Result<DatasetTables, TablesError> {
    let d = dataset.name.value.as_str();
    let mut columns = Vec::with_capacity(dataset.columns.len());
    for c in &dataset.columns {
        let Some(ty) = &c.ty.value else {
            return Err(TablesError::NoType {
                store: store.into(),
                dataset: d.into(),
                column: c.name.value.clone(),
            });
        };
        columns.push(MergeColumn {
            name: c.name.value.clone(),
            sql_type: pg_type(ty),
            nullable: c.nullable.value,
            hash: hash_text(ty),
        });
    }
    let watermark = match (feed, watermark) {
        (Feed::Watermark, Some(w)) => {
            if dataset.column(w).is_none() {
                return Err(TablesError::NoWatermark {
                    store: store.into(),
                    dataset: d.into(),
                    column: w.into(),
                });
            }
            Some(w.to_string())
        }
        _ => None,
    };
    let base = format!("{platform}_{store}_{d}");
    let mut views = Vec::new();
    for (ws, dsg) in sinks {
        let stem = format!("{platform}_{ws}_{dsg}_{store}_{d}");
        views.push(View {
            name: pg_name(&format!("{stem}_view_live")),
            workspace: ws.clone(),
            dsg: dsg.clone(),
            full: false,
        });
        if mode == Mode::Forensic {
            views.push(View {
                name: pg_name(&format!("{stem}_view_full")),
                workspace: ws.clone(),
                dsg: dsg.clone(),
                full: true,
            });
        }
    }
    Ok(DatasetTables {
        platform: platform.into(),
        store: store.into(),
        dataset: d.into(),
        mode,
        feed,
        columns,
        key: dataset
            .key_columns()
            .iter()
            .map(|k| k.to_string())
            .collect(),
        watermark,
        staging: pg_name(&format!("{base}_staging")),
        cdc: (feed == Feed::Events).then(|| pg_name(&format!("{base}_cdc"))),
        merge: pg_name(&format!("{base}_merge")),
        views,
    })
}

impl DatasetTables {
    /// The key columns, or every column when the dataset has no key.
    pub fn key_or_all(&self) -> Vec<&MergeColumn> {
        if self.key.is_empty() {
            self.columns.iter().collect()
        } else {
            self.key
                .iter()
                .filter_map(|k| self.columns.iter().find(|c| &c.name == k))
                .collect()
        }
    }

    /// SHA-256 hex of everything the DDL depends on: mode, feed, columns (name, type,
    /// nullability, order), key, views. A batch reconciles DDL only when this changes.
    pub fn schema_hash(&self) -> String {
        let mut s = format!(
            "v1\nmode {}\nfeed {}\n",
            self.mode.as_str(),
            self.feed.as_str()
        );
        for c in &self.columns {
            s.push_str(&format!(
                "column {:?} {:?} {}\n",
                c.name, c.sql_type, c.nullable
            ));
        }
        s.push_str(&format!("key {:?}\n", self.key));
        for v in &self.views {
            s.push_str(&format!("view {:?} {}\n", v.name, v.full));
        }
        names::hex(&Sha256::digest(s.as_bytes()))
    }

    /// An index name derived from this dataset's objects.
    fn index(&self, what: &str) -> String {
        pg_name(&format!(
            "{}_{}_{}_{what}",
            self.platform, self.store, self.dataset
        ))
    }
}

/// The (workspace, DSG) pairs of a platform that sink each (store, dataset), each list sorted.
/// Built once per platform, so rendering stays linear in the number of sinks.
pub fn sinks_by_dataset(
    placement: &Placement,
    platform: &str,
) -> HashMap<(String, String), Vec<(String, String)>> {
    let mut out: HashMap<(String, String), BTreeSet<(String, String)>> = HashMap::new();
    if let Some(on) = placement.platform(platform) {
        for p in &on.dsgs {
            for s in &p.dsg.sinks {
                out.entry((s.store.value.clone(), s.dataset.value.clone()))
                    .or_default()
                    .insert((p.workspace.name.value.clone(), p.dsg.name.value.clone()));
            }
        }
    }
    out.into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect()
}

/// Every dataset of every capture-fed ingest node of a platform, with its merge objects, in
/// node and dataset order; what `sql/` renders.
pub fn platform_tables(
    ix: &ModelIndex,
    placement: &Placement,
    graph: &PlatformGraph,
    mode: Mode,
) -> Result<Vec<(String, DatasetTables)>, TablesError> {
    let sinks = sinks_by_dataset(placement, &graph.platform);
    let mut out = Vec::new();
    for CapturedIngest {
        node,
        store_name,
        capture,
        ..
    } in captured_ingests(ix, graph)
    {
        let feed = Feed::of(capture.kind.value);
        let watermark = capture.watermark_column.as_ref().map(|w| w.value.as_str());
        for d in node_datasets(ix, placement, graph, &node.key) {
            let of = sinks
                .get(&(store_name.to_string(), d.name.value.clone()))
                .map(Vec::as_slice)
                .unwrap_or_default();
            out.push((
                node.key.clone(),
                dataset_tables(&graph.platform, mode, feed, store_name, d, watermark, of)?,
            ));
        }
    }
    Ok(out)
}

/// The encoding a row hash covers, in Rust, for documentation and tests: per value `~` for
/// NULL, else `LENGTH:TEXT` (length in characters), concatenated. Prefix-free, so two rows
/// with different values never encode alike.
pub fn encode(values: &[Option<&str>]) -> String {
    let mut s = String::new();
    for v in values {
        match v {
            None => s.push('~'),
            Some(t) => {
                s.push_str(&t.chars().count().to_string());
                s.push(':');
                s.push_str(t);
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::datatype::parse_type;

    #[test]
    fn types_use_format_type_spellings() {
        let cases = [
            ("boolean", "boolean"),
            ("tinyint", "smallint"),
            ("integer", "integer"),
            ("bigint", "bigint"),
            ("uint(32)", "bigint"),
            ("uint(64)", "numeric"),
            ("decimal(10,2)", "numeric(10,2)"),
            ("float", "real"),
            ("double", "double precision"),
            ("ieee128", "numeric"),
            ("varchar(5)", "character varying(5)"),
            ("string", "text"),
            ("char(3)", "character(3)"),
            ("timestamp", "timestamp without time zone"),
            ("timestamp(tz)", "timestamp with time zone"),
            ("variant", "jsonb"),
            ("binary(16)", "bytea"),
            ("array(integer)", "integer[]"),
            ("vector(3)", "real[]"),
        ];
        for (model, pg) in cases {
            let t = parse_type(model).unwrap_or_else(|e| panic!("{model}: {e:?}"));
            assert_eq!(pg_type(&t), pg, "{model}");
        }
    }

    #[test]
    fn the_encoding_separates_null_empty_tilde_and_concatenations() {
        assert_eq!(encode(&[None]), "~");
        assert_eq!(encode(&[Some("")]), "0:");
        assert_eq!(encode(&[Some("~")]), "1:~");
        assert_ne!(
            encode(&[Some("ab"), Some("c")]),
            encode(&[Some("a"), Some("bc")])
        );
        assert_eq!(encode(&[Some("é"), None]), "1:é~");
    }

    #[test]
    fn batch_tables_are_named_per_platform() {
        let t = BatchTables::of("Yellow-Live");
        assert_eq!(t.counter, "yellow_live_batch_counter");
        assert_eq!(t.metrics, "yellow_live_batch_metrics");
    }
}
