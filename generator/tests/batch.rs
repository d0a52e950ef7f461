//! `dsgen batch` against a real PostgreSQL (DESIGN.md "Milestoning": the merge SQL is the
//! product, not a mock of it). One throwaway cluster per test binary (tests/support/pg.rs), one
//! database per test. Every model here has two platforms reading the same source, `Live`
//! (live_only) and `Forensic`, so each scenario checks both merges.

#[path = "support/cli.rs"]
mod cli_support;
#[path = "support/pg.rs"]
mod pg;

use cli_support::dsgen_command;
use dsgen::batch::{self, Job, Options, Outcome};
use dsgen::milestone::sql;
use dsgen::milestone::{HashText, MergeColumn};
use pg::Cluster;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const MAX: i32 = i32::MAX;
const NODE: &str = "ingest/People";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Capture {
    Snapshot,
    Watermark,
    Cdc,
}

fn model_text(port: u16, db: &str, capture: Capture, email: bool) -> String {
    let (kind, extra_capture, extra_column) = match capture {
        Capture::Snapshot => ("snapshot", "", ""),
        Capture::Watermark => (
            "watermark",
            "watermark_column = \"updated\"",
            "column \"updated\" {\n        type = \"bigint\"\n        nullable = false\n      }",
        ),
        Capture::Cdc => ("cdc", "", ""),
    };
    let email = if email {
        "column \"email\" { type = \"varchar(80)\" }"
    } else {
        ""
    };
    let team = format!(
        r#"  datastore "People" {{
    capture {{
      kind        = "{kind}"
      container   = "Source"
      credential  = "source_reader"
      consistency = "multi_dataset"
      trigger     = "*/5 * * * *"
      tables      = {{ people = "src.people" }}
      {extra_capture}
    }}
    dataset "people" {{
      classification = ["PUB"]
      column "id" {{
        type     = "integer"
        key      = true
        nullable = false
      }}
      column "name" {{ type = "varchar(40)" }}
      {extra_column}
      {email}
    }}
  }}
  workspace "Reports" {{
    container = "platform_managed"
    dsg "Main" {{
      sink "People" "people" {{}}
    }}
  }}
"#
    );
    let mut text = pg::model_with_team(
        port,
        db,
        &[("Live", "live_only"), ("Forensic", "forensic")],
        &team,
    );
    text.push_str(
        r#"assign "Reports" "Main" {
  platform = "Live"
  status   = "provisioned"
}
assign "Reports" "Main" {
  platform = "Forensic"
  status   = "provisioned"
}
"#,
    );
    text
}

struct Case {
    cluster: &'static Cluster,
    db: String,
    dir: tempfile::TempDir,
    capture: Capture,
}

/// (id, name) of one row.
type Rows = BTreeMap<i32, Option<String>>;

impl Case {
    fn new(name: &str, capture: Capture) -> Case {
        let cluster = Cluster::shared();
        let db = cluster.database(name);
        let case = Case {
            cluster,
            db,
            dir: tempfile::tempdir().expect("temp dir"),
            capture,
        };
        case.write_model(false);
        let updated = if capture == Capture::Watermark {
            ", updated bigint NOT NULL"
        } else {
            ""
        };
        case.client()
            .batch_execute(&format!(
                "CREATE SCHEMA src; CREATE TABLE src.people (id integer PRIMARY KEY, name varchar(40){updated})"
            ))
            .expect("source table");
        case
    }

    fn write_model(&self, email: bool) {
        std::fs::write(
            self.dir.path().join("model.hcl"),
            model_text(self.cluster.port, &self.db, self.capture, email),
        )
        .expect("write model");
    }

    fn client(&self) -> postgres::Client {
        self.cluster.client(&self.db)
    }

    fn job(&self, platform: &str) -> Job {
        let loaded = dsgen::load::load_dir(self.dir.path()).expect("load");
        let (model, diags) = dsgen::lint::lint_loaded(loaded);
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect();
        assert!(errors.is_empty(), "the test model has errors: {errors:?}");
        Job::new(&model, platform, NODE).unwrap_or_else(|e| panic!("{e}"))
    }

    fn run_with(&self, platform: &str, opts: Options) -> Outcome {
        let job = self.job(platform);
        let env = self.cluster.env();
        let mut merge = batch::connect(&job.merge, &env, None).expect("merge connection");
        let mut source = match &job.input {
            batch::Input::Pull { endpoint, .. } => {
                Some(batch::connect(endpoint, &env, None).expect("source connection"))
            }
            batch::Input::Events => None,
        };
        batch::run(&job, &mut merge, source.as_mut(), opts).unwrap_or_else(|e| panic!("{e}"))
    }

    fn run(&self, platform: &str) -> Outcome {
        self.run_with(platform, Options::default())
    }

    fn set_snapshot(&self, rows: &Rows) {
        let mut c = self.client();
        let mut tx = c.transaction().unwrap();
        tx.batch_execute("TRUNCATE src.people").unwrap();
        for (id, name) in rows {
            tx.execute(
                "INSERT INTO src.people (id, name) VALUES ($1, $2)",
                &[id, name],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }

    /// Live platform: (id, name, batch id) by id.
    fn live(&self) -> Vec<(i32, Option<String>, i32)> {
        self.client()
            .query(
                "SELECT id, name, ds_surf_batch_id FROM live_people_people_merge ORDER BY id",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    }

    /// Forensic platform: (id, name, batch in, batch out) by id and batch in.
    fn forensic(&self) -> Vec<(i32, Option<String>, i32, i32)> {
        self.client()
            .query(
                "SELECT id, name, ds_surf_batch_in, ds_surf_batch_out \
                 FROM forensic_people_people_merge ORDER BY id, ds_surf_batch_in",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect()
    }

    fn rows_of(&self, query: &str) -> Rows {
        self.client()
            .query(query, &[])
            .unwrap_or_else(|e| panic!("{query}: {e}"))
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    }

    fn live_view(&self, platform: &str) -> Rows {
        let p = platform.to_ascii_lowercase();
        self.rows_of(&format!(
            "SELECT id, name FROM {p}_reports_main_people_people_view_live"
        ))
    }

    fn as_of(&self, k: i32) -> Rows {
        self.rows_of(&format!(
            "SELECT id, name FROM forensic_people_people_merge \
             WHERE ds_surf_batch_in <= {k} AND ds_surf_batch_out >= {k}"
        ))
    }

    /// The invariants of every batch: one live row per key, disjoint ordered versions, the live
    /// views equal `expected.last()`, and "as of k" equals `expected[k - 1]` for every k.
    fn check(&self, expected: &[Rows]) {
        self.check_on(expected, true);
    }

    fn check_on(&self, expected: &[Rows], live_platform: bool) {
        let versions = self.forensic();
        for w in versions.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            assert!(a.2 <= a.3, "interval [{}, {}] of key {}", a.2, a.3, a.0);
            if a.0 == b.0 {
                assert!(
                    a.3 < b.2,
                    "versions of key {} overlap or are out of order: {a:?} then {b:?}",
                    a.0
                );
            }
        }
        let mut live_per_key: BTreeMap<i32, usize> = BTreeMap::new();
        for v in versions.iter().filter(|v| v.3 == MAX) {
            *live_per_key.entry(v.0).or_default() += 1;
        }
        assert!(
            live_per_key.values().all(|n| *n == 1),
            "more than one live row for a key: {live_per_key:?}"
        );
        let last = expected.last().cloned().unwrap_or_default();
        assert_eq!(self.live_view("Forensic"), last, "forensic live view");
        if live_platform {
            assert_eq!(self.live_view("Live"), last, "live view");
        }
        for (i, snapshot) in expected.iter().enumerate() {
            let k = i as i32 + 1;
            assert_eq!(&self.as_of(k), snapshot, "as of batch {k}");
        }
    }

    /// Every row of a table, as text, for "nothing changed" comparisons.
    fn dump(&self, table: &str) -> Vec<String> {
        self.client()
            .query(
                &format!("SELECT t::text FROM {table} t ORDER BY t::text"),
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    }
}

fn rows(pairs: &[(i32, Option<&str>)]) -> Rows {
    pairs
        .iter()
        .map(|(i, n)| (*i, n.map(str::to_string)))
        .collect()
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

#[test]
fn live_worked_example() {
    let c = Case::new("live_worked_example", Capture::Snapshot);
    let o = c.run("Live");
    assert_eq!((o.batch, o.committed, o.more), (1, true, false));
    assert!(c.live().is_empty());

    let five: Vec<(i32, Option<&str>)> = (1..=5).map(|i| (i, Some("v1"))).collect();
    c.set_snapshot(&rows(&five));
    let o = c.run("Live");
    assert_eq!((o.batch, o.inserted), (2, 5));
    let got = c.live();
    assert_eq!(got.len(), 5);
    assert!(got.iter().all(|r| r.2 == 2), "{got:?}");

    c.set_snapshot(&rows(&[
        (1, Some("v2")),
        (2, Some("v1")),
        (4, Some("v1")),
        (5, Some("v1")),
    ]));
    let o = c.run("Live");
    assert_eq!((o.batch, o.updated, o.deleted, o.inserted), (3, 1, 1, 0));
    assert_eq!(
        c.live(),
        vec![
            (1, s("v2"), 3),
            (2, s("v1"), 2),
            (4, s("v1"), 2),
            (5, s("v1"), 2)
        ]
    );

    c.set_snapshot(&rows(&[
        (1, Some("v2")),
        (2, Some("v1")),
        (3, Some("v1")),
        (4, Some("v1")),
        (5, Some("v1")),
    ]));
    let o = c.run("Live");
    assert_eq!((o.batch, o.inserted), (4, 1));
    let after = c.live();
    assert_eq!(after.len(), 5);
    assert_eq!(after[2], (3, s("v1"), 4));

    // A batch that changes nothing keeps every batch id.
    let o = c.run("Live");
    assert_eq!((o.batch, o.inserted, o.updated, o.deleted), (5, 0, 0, 0));
    assert_eq!(c.live(), after);
}

#[test]
fn forensic_worked_example() {
    let c = Case::new("forensic_worked_example", Capture::Snapshot);
    let snapshots = [
        rows(&[(1, Some("billy"))]),
        rows(&[(1, Some("billy")), (2, Some("laura"))]),
        rows(&[(1, Some("william")), (2, Some("laura"))]),
        rows(&[(2, Some("laura"))]),
        rows(&[(1, Some("billy")), (2, Some("laura"))]),
    ];
    for (i, snap) in snapshots.iter().enumerate() {
        c.set_snapshot(snap);
        let o = c.run("Forensic");
        assert_eq!(o.batch, i as i32 + 1);
    }
    assert_eq!(
        c.forensic(),
        vec![
            (1, s("billy"), 1, 2),
            (1, s("william"), 3, 3),
            (1, s("billy"), 5, MAX),
            (2, s("laura"), 2, MAX),
        ]
    );
    // The full view exposes the source columns of every version.
    let full: Vec<(i32, Option<String>)> = c
        .client()
        .query(
            "SELECT id, name FROM forensic_reports_main_people_people_view_full ORDER BY id, name",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(full.len(), 4);
    let cols: Vec<String> = c
        .client()
        .query(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_name = 'forensic_reports_main_people_people_view_full' ORDER BY ordinal_position",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(cols, ["id", "name"]);
}

/// Names drawn for rows: repeated values, NULL, the empty string and the NULL marker.
fn name() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        Just(Some("~".to_string())),
        Just(Some("a".to_string())),
        Just(Some("b".to_string())),
        Just(Some("1:a".to_string())),
    ]
}

fn snapshot() -> impl Strategy<Value = Rows> {
    proptest::collection::btree_map(1i32..=6, name(), 0..=6)
}

static CASE_NO: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn case_name(prefix: &str) -> String {
    format!(
        "{prefix}_{}",
        CASE_NO.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn snapshot_sequences_keep_every_version(snaps in proptest::collection::vec(snapshot(), 1..=6)) {
        let c = Case::new(&case_name("snap"), Capture::Snapshot);
        let mut seen = Vec::new();
        // Live: the batch id of each key's last change.
        let mut changed_at: BTreeMap<i32, i32> = BTreeMap::new();
        let mut before = Rows::new();
        for (i, snap) in snaps.iter().enumerate() {
            let b = i as i32 + 1;
            c.set_snapshot(snap);
            prop_assert_eq!(c.run("Forensic").batch, b);
            prop_assert_eq!(c.run("Live").batch, b);
            for (id, v) in snap {
                if before.get(id) != Some(v) {
                    changed_at.insert(*id, b);
                }
            }
            changed_at.retain(|id, _| snap.contains_key(id));
            before = snap.clone();
            seen.push(snap.clone());
            c.check(&seen);
            let want: Vec<(i32, Option<String>, i32)> = snap
                .iter()
                .map(|(id, v)| (*id, v.clone(), changed_at[id]))
                .collect();
            prop_assert_eq!(c.live(), want);
        }
    }

}

proptest! {
    // Watermark and CDC sequences reach the same invariants by other paths; fewer cases keep
    // the suite fast.
    #![proptest_config(ProptestConfig {
        cases: 16,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn watermark_sequences_take_half_open_ranges(
        steps in proptest::collection::vec(
            (proptest::collection::btree_map(1i32..=6, name(), 0..=4), 0i64..=1),
            1..=6,
        )
    ) {
        let c = Case::new(&case_name("wm"), Capture::Watermark);
        let mut stamp = 10i64;
        let mut low: Option<i64> = None;
        let mut state = Rows::new();
        let mut seen = Vec::new();
        for (i, (upserts, bump)) in steps.iter().enumerate() {
            stamp += bump;
            let mut client = c.client();
            for (id, v) in upserts {
                client
                    .execute(
                        "INSERT INTO src.people (id, name, updated) VALUES ($1, $2, $3) \
                         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, updated = EXCLUDED.updated",
                        &[id, v, &stamp],
                    )
                    .unwrap();
            }
            // What a batch takes: [low, max) of the source as it is now.
            let source: Vec<(i32, Option<String>, i64)> = client
                .query("SELECT id, name, updated FROM src.people", &[])
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
            let high = source.iter().map(|r| r.2).max();
            if let Some(h) = high {
                for (id, v, u) in &source {
                    if *u < h && low.is_none_or(|l| *u >= l) {
                        state.insert(*id, v.clone());
                    }
                }
                low = Some(h);
            }
            let b = i as i32 + 1;
            let f = c.run("Forensic");
            prop_assert_eq!(f.batch, b);
            prop_assert_eq!(c.run("Live").batch, b);
            // Rows at the high mark wait: more work exactly when something is above it.
            prop_assert!(!f.more);
            seen.push(state.clone());
            c.check(&seen);
        }
    }

    #[test]
    fn cdc_event_sequences_conflate_per_key(
        windows in proptest::collection::vec(
            proptest::collection::vec((1i32..=5, prop_oneof![Just('c'), Just('u'), Just('d')], name()), 0..=8),
            1..=5,
        )
    ) {
        let c = Case::new(&case_name("cdc"), Capture::Cdc);
        // Batch 1 creates the landing tables (empty window).
        c.run("Forensic");
        c.run("Live");
        let mut state = Rows::new();
        let mut seen = vec![state.clone()];
        for events in &windows {
            let mut client = c.client();
            for (id, op, v) in events {
                // A delete carries the key only, as Debezium's rewritten delete does.
                let (name, deleted) = if *op == 'd' { (None, "true") } else { (v.clone(), "false") };
                for table in ["live_people_people_cdc", "forensic_people_people_cdc"] {
                    client
                        .execute(
                            &format!(
                                "INSERT INTO {table} (id, name, __op, __source_ts_ms, __deleted) \
                                 VALUES ($1, $2, $3, 0, $4)"
                            ),
                            &[id, &name, &op.to_string(), &deleted],
                        )
                        .unwrap();
                }
                if *op == 'd' {
                    state.remove(id);
                } else {
                    state.insert(*id, v.clone());
                }
            }
            let f = c.run("Forensic");
            let l = c.run("Live");
            prop_assert_eq!(f.batch, l.batch);
            prop_assert!(!f.more && !l.more);
            seen.push(state.clone());
            c.check(&seen);
        }
    }
}

#[test]
fn a_committed_batch_run_again_changes_nothing() {
    let c = Case::new("rerun_changes_nothing", Capture::Snapshot);
    c.set_snapshot(&rows(&[(1, Some("a")), (2, None), (3, Some(""))]));
    c.run("Forensic");
    c.run("Live");
    let (f, l) = (
        c.dump("forensic_people_people_merge"),
        c.dump("live_people_people_merge"),
    );
    let o = c.run("Forensic");
    assert_eq!((o.batch, o.inserted, o.closed), (2, 0, 0));
    let o = c.run("Live");
    assert_eq!((o.inserted, o.updated, o.deleted), (0, 0, 0));
    assert_eq!(c.dump("forensic_people_people_merge"), f);
    assert_eq!(c.dump("live_people_people_merge"), l);
}

#[test]
fn a_batch_killed_between_ingest_and_merge_resumes() {
    let c = Case::new("killed_after_ingest", Capture::Snapshot);
    c.set_snapshot(&rows(&[(1, Some("a")), (2, Some("b"))]));
    c.run("Forensic");
    c.set_snapshot(&rows(&[(1, Some("a2")), (3, Some("c"))]));
    let o = c.run_with(
        "Forensic",
        Options {
            stop_after_ingest: true,
        },
    );
    assert_eq!((o.batch, o.committed, o.rows_ingested), (2, false, 2));
    let state: String = c
        .client()
        .query_one(
            "SELECT state FROM forensic_batch_metrics WHERE key = $1 AND batch_id = 2",
            &[&NODE],
        )
        .unwrap()
        .get(0);
    assert_eq!(state, "ingested");
    assert_eq!(c.forensic().len(), 2, "nothing merged yet");
    // The source moves on; the resumed batch merges what it ingested, not the new source.
    c.set_snapshot(&rows(&[(9, Some("later"))]));
    let o = c.run("Forensic");
    assert_eq!(
        (o.batch, o.resumed, o.committed, o.more),
        (2, true, true, true)
    );
    c.check_on(
        &[
            rows(&[(1, Some("a")), (2, Some("b"))]),
            rows(&[(1, Some("a2")), (3, Some("c"))]),
        ],
        false,
    );
    let o = c.run("Forensic");
    assert_eq!((o.batch, o.resumed), (3, false));
    assert_eq!(c.as_of(3), rows(&[(9, Some("later"))]));
}

#[test]
fn a_batch_killed_while_started_ingests_again() {
    let c = Case::new("killed_while_started", Capture::Snapshot);
    c.set_snapshot(&rows(&[(1, Some("a"))]));
    c.run("Live");
    // A run that died after recording `started`: left over staging rows from it too.
    let mut client = c.client();
    client
        .batch_execute(&format!(
            "INSERT INTO live_batch_metrics (key, batch_id, state) VALUES ('{NODE}', 2, 'started'); \
             INSERT INTO live_people_people_staging (id, name, ds_surf_batch_id, ds_surf_all_hash, ds_surf_key_hash) \
             VALUES (7, 'ghost', 2, 'x', 'y')"
        ))
        .unwrap();
    c.set_snapshot(&rows(&[(1, Some("a")), (2, Some("b"))]));
    let o = c.run("Live");
    assert_eq!((o.batch, o.resumed), (2, true));
    assert_eq!(c.live(), vec![(1, s("a"), 1), (2, s("b"), 2)]);
}

#[test]
fn adding_a_nullable_column_keeps_history_and_reconciles_once() {
    let c = Case::new("add_nullable_column", Capture::Snapshot);
    c.set_snapshot(&rows(&[(1, Some("a")), (2, Some("b"))]));
    assert_eq!(c.run("Forensic").reconciled, ["people"]);
    c.set_snapshot(&rows(&[(1, Some("a2")), (2, Some("b"))]));
    assert!(c.run("Forensic").reconciled.is_empty());
    let history = c.forensic();

    c.client()
        .batch_execute("ALTER TABLE src.people ADD COLUMN email varchar(80)")
        .unwrap();
    c.write_model(true);
    let o = c.run("Forensic");
    assert_eq!(
        (o.batch, o.reconciled.clone()),
        (3, vec!["people".to_string()])
    );
    // Every row is unchanged under the new schema: nothing closed, nothing inserted.
    assert_eq!((o.closed, o.inserted), (0, 0));
    assert_eq!(c.forensic(), history);

    c.client()
        .batch_execute("UPDATE src.people SET email = 'b@example.com' WHERE id = 2")
        .unwrap();
    let o = c.run("Forensic");
    assert!(o.reconciled.is_empty(), "reconciled again: {o:?}");
    assert_eq!((o.closed, o.inserted), (1, 1));
    let email: Option<String> = c
        .client()
        .query_one(
            "SELECT email FROM forensic_reports_main_people_people_view_live WHERE id = 2",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(email.as_deref(), Some("b@example.com"));
    assert_eq!(c.forensic().len(), history.len() + 1);
    let reconciles: i64 = c
        .client()
        .query_one(
            "SELECT count(*) FROM forensic_batch_metrics \
             WHERE (batch_state->'datasets'->'people'->>'reconciled')::boolean",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        reconciles, 2,
        "once when created, once when the column was added"
    );
}

/// A widened column (`varchar(40)` → `varchar(200)`, what `dsgen check` accepts and `dsgen
/// plan` calls safe) is altered in place: history kept, no row seen as changed, and values the
/// old type could not hold are merged afterwards.
#[test]
fn widening_a_column_alters_it_in_place_and_keeps_history() {
    let c = Case::new("widen_column", Capture::Snapshot);
    c.set_snapshot(&rows(&[(1, Some("a")), (2, Some("b"))]));
    c.run("Forensic");
    c.set_snapshot(&rows(&[(1, Some("a2")), (2, Some("b"))]));
    c.run("Forensic");
    let history = c.forensic();

    c.client()
        .batch_execute("ALTER TABLE src.people ALTER COLUMN name TYPE varchar(200)")
        .unwrap();
    let path = c.dir.path().join("model.hcl");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("type = \"varchar(40)\""));
    std::fs::write(
        &path,
        text.replace("type = \"varchar(40)\"", "type = \"varchar(200)\""),
    )
    .unwrap();
    let o = c.run("Forensic");
    assert_eq!(o.reconciled, ["people"], "{o:?}");
    assert_eq!((o.closed, o.inserted), (0, 0), "{o:?}");
    assert_eq!(c.forensic(), history);
    let ty: String = c
        .client()
        .query_one(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute \
             WHERE attrelid = 'forensic_people_people_merge'::regclass AND attname = 'name'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(ty, "character varying(200)");

    let long = "x".repeat(120);
    c.set_snapshot(&rows(&[(1, Some(long.as_str())), (2, Some("b"))]));
    let o = c.run("Forensic");
    assert!(o.reconciled.is_empty(), "{o:?}");
    assert_eq!((o.closed, o.inserted), (1, 1), "{o:?}");
}

#[test]
fn the_hash_encoding_separates_null_empty_tilde_and_concatenations() {
    let cluster = Cluster::shared();
    let db = cluster.database("hash_encoding");
    let mut c = cluster.client(&db);
    c.batch_execute(sql::SESSION).unwrap();
    c.batch_execute(
        "CREATE TABLE h (n integer, a text, b text, t timestamp with time zone, d date); \
         INSERT INTO h VALUES \
         (1, NULL, NULL, NULL, NULL), (2, '', NULL, NULL, NULL), (3, '~', NULL, NULL, NULL), \
         (4, 'ab', 'c', NULL, NULL), (5, 'a', 'bc', NULL, NULL), (6, NULL, '', NULL, NULL), \
         (7, '', '', NULL, NULL), (8, 'é', NULL, '2024-01-02 04:04:05.5+01', '2024-03-04')",
    )
    .unwrap();
    let col = |name: &str, hash: HashText| MergeColumn {
        name: name.into(),
        sql_type: "text".into(),
        nullable: true,
        hash,
    };
    let cols = [
        col("a", HashText::Cast),
        col("b", HashText::Cast),
        col("t", HashText::TimestampTz),
        col("d", HashText::Date),
    ];
    let refs: Vec<&MergeColumn> = cols.iter().collect();
    let rows = c
        .query(
            &format!(
                "SELECT n, {}, {}, md5({}) FROM h ORDER BY n",
                sql::encoding_expr(&refs, None),
                sql::hash_expr(&refs, None),
                sql::encoding_expr(&refs, None)
            ),
            &[],
        )
        .unwrap();
    let got: Vec<(i32, String, String, String)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let encodings: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
    assert_eq!(
        encodings,
        [
            "~~~~",
            "0:~~~",
            "1:~~~~",
            "2:ab1:c~~",
            "1:a2:bc~~",
            "~0:~~",
            "0:0:~~",
            "1:é~27:2024-01-02T03:04:05.500000Z10:2024-03-04",
        ]
    );
    let mut hashes: Vec<&str> = got.iter().map(|g| g.2.as_str()).collect();
    for g in &got {
        assert_eq!(g.2, g.3, "the hash is the MD5 hex of the encoding");
        assert_eq!(g.2.len(), 32);
    }
    // The same as Rust's own encoding of the plain text columns.
    assert_eq!(
        dsgen::milestone::encode(&[Some("ab"), Some("c"), None, None]),
        encodings[3]
    );
    hashes.sort_unstable();
    hashes.dedup();
    assert_eq!(hashes.len(), got.len(), "every row hashes differently");
}

fn dsgen_bin() -> Command {
    let mut cmd = dsgen_command();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd
}

fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("running dsgen");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn batch_cmd(c: &Case, dir: &Path, platform: &str) -> Command {
    let mut cmd = dsgen_bin();
    cmd.arg("batch")
        .arg("--platform")
        .arg(platform)
        .arg("--node")
        .arg(NODE)
        .arg("--model-dir")
        .arg(dir);
    for var in [
        "MERGE_WRITER_USERNAME",
        "MERGE_WRITER_PASSWORD",
        "SOURCE_READER_USERNAME",
        "SOURCE_READER_PASSWORD",
    ] {
        cmd.env(var, (c.cluster.env())(var).unwrap());
    }
    cmd
}

#[test]
fn the_cli_exits_by_the_batch_protocol_and_never_prints_a_password() {
    let c = Case::new("cli_protocol", Capture::Snapshot);
    let dir = c.dir.path();
    let pw = c.cluster.password.clone();
    c.set_snapshot(&rows(&[(1, Some("a"))]));

    let (code, out, err) = output(&mut batch_cmd(&c, dir, "Live"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("batch 1 committed"), "{out}");

    // Reset refuses a committed batch.
    let (code, out, err) = output(batch_cmd(&c, dir, "Live").arg("--reset"));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("batch 1 of node `ingest/People` of platform `Live` is committed"),
        "{err}"
    );

    // A stuck batch: reset clears it, and the next run starts it again.
    c.set_snapshot(&rows(&[(1, Some("b"))]));
    c.run_with(
        "Live",
        Options {
            stop_after_ingest: true,
        },
    );
    let (code, out, err) = output(batch_cmd(&c, dir, "Live").arg("--reset"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("reset batch 2 (was ingested)"), "{out}");
    assert_eq!(c.live(), vec![(1, s("a"), 1)]);
    c.run_with(
        "Live",
        Options {
            stop_after_ingest: true,
        },
    );
    // A resumed batch commits and says more work is pending: exit 1.
    let (code, out, err) = output(&mut batch_cmd(&c, dir, "Live"));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("batch 2 committed (resumed)"), "{out}");
    assert_eq!(c.live(), vec![(1, s("b"), 2)]);

    // Missing credentials name the variables, not values.
    let mut cmd = batch_cmd(&c, dir, "Live");
    cmd.env_remove("MERGE_WRITER_PASSWORD");
    let (code, _, err) = output(&mut cmd);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`MERGE_WRITER_PASSWORD`"), "{err}");

    // A URL with a wrong password: the error shows neither the URL nor a password.
    let wrong = "not-the-password-x7";
    let mut cmd = batch_cmd(&c, dir, "Live");
    cmd.arg("--database-url-env").arg("MERGE_URL").env(
        "MERGE_URL",
        format!(
            "postgres://{}:{wrong}@127.0.0.1:{}/{}",
            c.cluster.user, c.cluster.port, c.db
        ),
    );
    let (code, out, err) = output(&mut cmd);
    assert_eq!(code, 3, "{out}{err}");
    assert!(err.contains("the URL in `MERGE_URL`"), "{err}");
    for text in [&out, &err] {
        assert!(
            !text.contains(wrong) && !text.contains(&pw),
            "a password leaked: {text}"
        );
        assert!(!text.contains("postgres://"), "a URL leaked: {text}");
    }

    // The right URL works, and no output holds the password.
    let mut cmd = batch_cmd(&c, dir, "Live");
    cmd.arg("--database-url-env").arg("MERGE_URL").env(
        "MERGE_URL",
        format!(
            "postgres://{}:{pw}@127.0.0.1:{}/{}",
            c.cluster.user, c.cluster.port, c.db
        ),
    );
    let (code, out, err) = output(&mut cmd);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains(&pw) && !err.contains(&pw));

    // Unknown nodes and platforms are usage errors naming what exists.
    let mut cmd = dsgen_bin();
    cmd.args([
        "batch",
        "--platform",
        "Live",
        "--node",
        "ingest/Peeple",
        "--model-dir",
    ])
    .arg(dir);
    let (code, _, err) = output(&mut cmd);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("did you mean `ingest/People`?"), "{err}");
}
