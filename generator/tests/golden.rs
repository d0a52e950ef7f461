//! Golden render cases (golden/README.md): every `golden/<target>/<case>/` is rendered through
//! the real writer into a temporary directory and compared byte for byte, file by file, with
//! its `expected/` tree. `DSGEN_BLESS=1` rewrites `expected/` instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// The case's model directory and its `dsgen render` selection arguments.
fn case_input(case: &Path) -> (PathBuf, Vec<String>) {
    let model = match std::fs::read_to_string(case.join("MODEL")) {
        Ok(path) => root().join(path.trim()),
        Err(_) => case.join("model"),
    };
    let args = std::fs::read_to_string(case.join("ARGS"))
        .map(|a| a.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    (model, args)
}

fn render(model: &Path, args: &[String], out: &Path) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_dsgen"))
        .arg("render")
        .arg(model)
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "render of {} failed: {}",
        model.display(),
        String::from_utf8_lossy(&status.stderr)
    );
}

fn cases() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for target in std::fs::read_dir(root().join("golden")).unwrap() {
        let target = target.unwrap().path();
        if !target.is_dir() {
            continue;
        }
        for case in std::fs::read_dir(&target).unwrap() {
            let case = case.unwrap().path();
            if case.is_dir() {
                out.push(case);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn golden_trees_match() {
    let bless = std::env::var("DSGEN_BLESS").is_ok_and(|v| v == "1");
    let cases = cases();
    assert!(cases.len() >= 10, "golden cases missing: {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let (model, args) = case_input(case);
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        render(&model, &args, &out);
        let got = files(&out);
        let expected_dir = case.join("expected");
        if bless {
            let _ = std::fs::remove_dir_all(&expected_dir);
            for (path, bytes) in &got {
                let dest = expected_dir.join(path);
                std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                std::fs::write(dest, bytes).unwrap();
            }
            continue;
        }
        let want = files(&expected_dir);
        let name = case
            .strip_prefix(root().join("golden"))
            .unwrap()
            .display()
            .to_string();
        for path in want
            .keys()
            .chain(got.keys())
            .collect::<std::collections::BTreeSet<_>>()
        {
            match (want.get(path), got.get(path)) {
                (Some(a), Some(b)) if a == b => {}
                (Some(_), Some(b)) => failures.push(format!(
                    "{name}: {path} differs; rendered:\n{}",
                    String::from_utf8_lossy(b)
                )),
                (Some(_), None) => failures.push(format!("{name}: {path} is no longer rendered")),
                (None, _) => failures.push(format!("{name}: {path} is rendered but not expected")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(DSGEN_BLESS=1 scripts/test regenerates golden/; review the diff)",
        failures.join("\n")
    );
}

/// The golden cases together cover every source kind and both deployments.
#[test]
fn golden_cases_cover_every_source_kind() {
    let mut classes = std::collections::BTreeSet::new();
    let mut plain = false;
    // Batch CronJobs: (capture kind of the node, suspended) seen.
    let mut cron_jobs = std::collections::BTreeSet::new();
    for case in cases() {
        let model = std::fs::read_to_string(case.join("model/model.hcl")).unwrap_or_default();
        for (path, bytes) in files(&case.join("expected")) {
            let text = String::from_utf8_lossy(&bytes);
            if path.contains("/batch/") && text.contains("kind: CronJob") {
                // The node's store, from `--node ingest/STORE[/DATASET]`.
                let node = text
                    .lines()
                    .skip_while(|l| !l.trim().ends_with("--node"))
                    .nth(1)
                    .unwrap_or_default();
                let store = node.trim().trim_start_matches("- ingest/");
                let store = store.split('/').next().unwrap_or_default();
                let block = model
                    .split(&format!("datastore \"{store}\""))
                    .nth(1)
                    .unwrap_or_default();
                let kind = block
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("kind"))
                    .map(|k| {
                        k.trim_start_matches([' ', '='])
                            .trim_matches('"')
                            .to_string()
                    });
                if let Some(kind) = kind {
                    cron_jobs.insert((kind, text.contains("suspend: true")));
                }
            }
            if path.contains("/connect/") {
                for line in text.lines() {
                    if let Some(c) = line.trim().strip_prefix("\"connector.class\": \"") {
                        classes.insert(c.trim_end_matches(['"', ',']).to_string());
                    }
                }
            }
            plain |= path.ends_with("worker/config-providers.properties");
        }
    }
    for class in [
        "io.debezium.connector.postgresql.PostgresConnector",
        "io.debezium.connector.mysql.MySqlConnector",
        "io.debezium.connector.sqlserver.SqlServerConnector",
        "io.debezium.connector.oracle.OracleConnector",
        "io.debezium.connector.db2.Db2Connector",
        "io.debezium.connector.jdbc.JdbcSinkConnector",
        "io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector",
    ] {
        assert!(classes.contains(class), "no golden case renders {class}");
    }
    assert!(plain, "no golden case renders a plain deployment");
    for kind in ["cdc", "kafka", "snapshot", "watermark"] {
        assert!(
            cron_jobs.iter().any(|(k, _)| k == kind),
            "no golden case renders the batch CronJob of a {kind} capture: {cron_jobs:?}"
        );
    }
    assert!(
        cron_jobs.iter().any(|(_, suspended)| *suspended),
        "no golden case renders the suspended CronJob of an external trigger"
    );
}
