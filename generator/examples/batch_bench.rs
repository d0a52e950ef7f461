//! The batch benchmark (`scripts/bench batch`): a forensic merge of ROWS rows (default
//! 1,000,000) with 10% of them changed before each later batch, on a throwaway PostgreSQL
//! cluster started here (tests/support/pg.rs). Prints, per batch, rows ingested and rows/s for
//! the ingest (snapshot pulled from the source, hashed into staging) and for the merge.
//!
//! Usage: batch_bench [ROWS] [BATCHES]   (default 1000000 4)

#[path = "../tests/support/pg.rs"]
mod pg;

use dsgen::batch::{self, Job, Options};
use std::time::Instant;

fn model(port: u16, db: &str) -> String {
    let team = r#"  datastore "Items" {
    capture {
      kind        = "snapshot"
      container   = "Source"
      credential  = "source_reader"
      consistency = "multi_dataset"
      trigger     = "0 * * * *"
      tables      = { items = "src.items" }
    }
    dataset "items" {
      classification = ["PUB"]
      column "id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
      column "name"    { type = "varchar(40)" }
      column "amount"  { type = "decimal(12,2)" }
      column "updated" { type = "timestamp" }
      column "note"    { type = "string" }
    }
  }
  workspace "Reports" {
    container = "platform_managed"
    dsg "Main" {
      requirements { milestoning = "forensic" }
      sink "Items" "items" {}
    }
  }
"#;
    let mut text = pg::model_with_team(port, db, &[("Forensic", "forensic")], team);
    text.push_str(
        r#"assign "Reports" "Main" {
  platform = "Forensic"
  status   = "provisioned"
}
"#,
    );
    text
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rows: i64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let batches: i32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(4);
    let cluster = pg::Cluster::shared();
    let db = cluster.database("bench");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("model.hcl"), model(cluster.port, &db)).expect("model");
    let loaded = dsgen::load::load_dir(dir.path()).expect("load");
    let (model, diags) = dsgen::lint::lint_loaded(loaded);
    assert!(
        !diags.iter().any(|d| d.is_error()),
        "the bench model has errors"
    );
    let job = Job::new(&model, "Forensic", "ingest/Items").expect("job");
    let mut admin = cluster.client(&db);
    let t = Instant::now();
    admin
        .batch_execute(&format!(
            "CREATE SCHEMA src; CREATE TABLE src.items (id bigint PRIMARY KEY, name varchar(40), \
             amount numeric(12,2), updated timestamp, note text); \
             INSERT INTO src.items SELECT i, 'item ' || i, (i % 1000) / 7.0, \
             timestamp '2024-01-01' + i * interval '1 second', \
             CASE WHEN i % 3 = 0 THEN NULL ELSE repeat('x', (i % 20)::int) END \
             FROM generate_series(1, {rows}) i; ANALYZE src.items"
        ))
        .expect("source rows");
    println!(
        "source: {rows} rows, 5 columns, loaded in {:.1}s; PostgreSQL on 127.0.0.1:{}",
        t.elapsed().as_secs_f64(),
        cluster.port
    );
    println!(
        "{:<6} {:>10} {:>9} {:>13} {:>9} {:>13} {:>10} {:>10}",
        "batch",
        "rows",
        "ingest s",
        "ingest rows/s",
        "merge s",
        "merge rows/s",
        "inserted",
        "closed"
    );
    let env = cluster.env();
    for b in 1..=batches {
        if b > 1 {
            // 10% of the rows change, a different tenth each batch.
            admin
                .batch_execute(&format!(
                    "UPDATE src.items SET amount = amount + 1, updated = updated + interval '1 day' \
                     WHERE id % 10 = {}",
                    b % 10
                ))
                .expect("changes");
        }
        let mut merge = batch::connect(&job.merge, &env, None).expect("merge connection");
        let mut source = match &job.input {
            batch::Input::Pull { endpoint, .. } => {
                Some(batch::connect(endpoint, &env, None).expect("source connection"))
            }
            batch::Input::Events => None,
        };
        let o = batch::run(&job, &mut merge, source.as_mut(), Options::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let rate = |secs: f64| o.rows_ingested as f64 / secs.max(1e-9);
        println!(
            "{:<6} {:>10} {:>9.2} {:>13.0} {:>9.2} {:>13.0} {:>10} {:>10}",
            o.batch,
            o.rows_ingested,
            o.ingest_seconds,
            rate(o.ingest_seconds),
            o.merge_seconds,
            rate(o.merge_seconds),
            o.inserted,
            o.closed
        );
    }
    let versions: i64 = admin
        .query_one("SELECT count(*) FROM forensic_items_items_merge", &[])
        .expect("count")
        .get(0);
    println!("merge table: {versions} versions");
}
