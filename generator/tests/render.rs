//! `dsgen render` end to end: exit codes and filters, the manifest, determinism under shuffled
//! and renamed model files, secrets never reaching the output, the Strimzi operator chart's
//! values, and DS501 collisions.

#[path = "support/cli.rs"]
mod cli_support;
#[path = "support/git.rs"]
mod git_support;

use cli_support::{code, dsgen_command, stderr};
use dsgen::load::load_files;
use git_support::repo_root;
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

fn dsgen(args: &[&str]) -> Output {
    dsgen_command().args(args).output().expect("run dsgen")
}

fn tree_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn acme() -> String {
    repo_root().join("examples/acme").display().to_string()
}

fn model_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, out);
            } else if p.extension().is_some_and(|e| e == "hcl") {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn render_writes_the_platform_tree_and_a_manifest_that_hashes_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = dsgen(&[
        "render",
        &acme(),
        "--target",
        "kafka-connect",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let tree = tree_of(&out);
    let manifest: serde_json::Value = serde_json::from_slice(&tree["MANIFEST.json"]).unwrap();
    assert_eq!(manifest["generator"], "dsgen");
    assert_eq!(manifest["platforms"][0]["platform"], "YellowLive");
    assert_eq!(manifest["platforms"][0]["target"], "kafka-connect");
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(
        listed.len() + 1,
        tree.len(),
        "every file but the manifest is listed"
    );
    for f in listed {
        let path = f["path"].as_str().unwrap();
        let bytes = tree
            .get(path)
            .unwrap_or_else(|| panic!("{path} listed but absent"));
        let hex: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"], hex.as_str(), "{path}");
    }
    assert!(tree
        .keys()
        .any(|p| p.starts_with("YellowLive/connect/") && p.ends_with(".json")));
    assert!(tree.contains_key("YellowLive/strimzi/kafka-connect.yaml"));
    // Rendering again into the same directory replaces it with identical bytes.
    let o = dsgen(&[
        "render",
        &acme(),
        "--target",
        "kafka-connect",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(tree_of(&out), tree);
}

#[test]
fn render_exit_codes_and_filters() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out_s = out.to_str().unwrap();
    // Unknown platform and unknown target: usage errors, nothing written.
    let o = dsgen(&["render", &acme(), "--platform", "YellowLiv", "--out", out_s]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown platform `YellowLiv`"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("did you mean `YellowLive`"),
        "{}",
        stderr(&o)
    );
    let o = dsgen(&[
        "render",
        &acme(),
        "--target",
        "kafka_connect",
        "--out",
        out_s,
    ]);
    assert_eq!(code(&o), 2);
    // A platform whose target is not built yet: a clear exit 2, no stub.
    let o = dsgen(&["render", &acme(), "--platform", "AwsLake", "--out", out_s]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("`aws`"), "{}", stderr(&o));
    let o = dsgen(&["render", &acme(), "--out", out_s]);
    assert_eq!(
        code(&o),
        2,
        "every platform of acme includes unbuilt targets"
    );
    // Platform and target that disagree.
    let o = dsgen(&[
        "render",
        &acme(),
        "--platform",
        "YellowLive",
        "--target",
        "aws",
        "--out",
        out_s,
    ]);
    assert_eq!(code(&o), 2);
    assert!(!out.exists(), "nothing is written on a usage error");
    // legacy renders nothing, which is not an error.
    let o = dsgen(&["render", &acme(), "--target", "legacy", "--out", out_s]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let tree = tree_of(&out);
    assert_eq!(tree.keys().collect::<Vec<_>>(), ["MANIFEST.json"]);
    let m: serde_json::Value = serde_json::from_slice(&tree["MANIFEST.json"]).unwrap();
    assert_eq!(m["platforms"][0]["platform"], "OnPremLegacy");
    // --platform selects exactly one platform.
    let o = dsgen(&[
        "render",
        &acme(),
        "--platform",
        "YellowLive",
        "--out",
        out_s,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let tree = tree_of(&out);
    assert!(tree
        .keys()
        .all(|p| p == "MANIFEST.json" || p.starts_with("YellowLive/")));
}

#[test]
fn a_model_with_errors_renders_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model");
    std::fs::create_dir(&model).unwrap();
    std::fs::write(
        model.join("base.hcl"),
        include_str!("fixtures/base/base.hcl")
            .replace("merge_credential  = \"merge_writer\"\n", ""),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = dsgen(&[
        "render",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("DS136"), "{}", stderr(&o));
    assert!(!out.exists(), "no output directory on a rejected model");
}

#[test]
fn a_name_collision_is_ds501_and_renders_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model");
    std::fs::create_dir(&model).unwrap();
    std::fs::write(
        model.join("base.hcl"),
        include_str!("fixtures/base/base.hcl"),
    )
    .unwrap();
    std::fs::write(
        model.join("fixture.hcl"),
        include_str!("fixtures/rules/DS501/bad.hcl"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = dsgen(&[
        "render",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("DS501"), "{err}");
    assert!(
        err.contains("`Web_orders.eu`") && err.contains("`Web.orders_eu`"),
        "{err}"
    );
    assert!(!out.exists());
}

/// Secrets never reach the rendered tree or the diagnostics: canaries in every place a user
/// might put one.
#[test]
fn canary_secrets_never_reach_the_output() {
    const CANARY: &str = "CANARY-7f3a9c";
    let base = include_str!("fixtures/base/base.hcl");
    // Places that are not secrets but might hold one by mistake: docs, tags, a dataset's doc.
    let clean = base
        .replace(
            "  datastore \"Orders\" {\n",
            &format!("  datastore \"Orders\" {{\n    doc  = \"pw {CANARY}\"\n    tags = {{ note = \"{CANARY}\" }}\n"),
        )
        .replace(
            "platform \"Main\" {\n",
            &format!("platform \"Main\" {{\n  doc = \"{CANARY}\"\n  tags = {{ token_hint = \"{CANARY}\" }}\n"),
        );
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("clean");
    std::fs::create_dir(&model).unwrap();
    std::fs::write(model.join("base.hcl"), &clean).unwrap();
    let out = tmp.path().join("out");
    let o = dsgen(&[
        "render",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for (path, bytes) in tree_of(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(CANARY),
            "{path} contains the canary"
        );
    }
    assert!(!stderr(&o).contains(CANARY));
    // The batch CronJobs are among the files checked, with the capture's credential too when
    // the job pulls a snapshot itself.
    let batch = tree_of(&out)
        .into_keys()
        .filter(|p| p.starts_with("Main/batch/"))
        .count();
    assert!(batch >= 3, "the canary render has CronJob files");
    let snapshot = tmp.path().join("snapshot");
    std::fs::create_dir(&snapshot).unwrap();
    std::fs::write(
        snapshot.join("base.hcl"),
        clean.replace("kind       = \"cdc\"", "kind       = \"snapshot\""),
    )
    .unwrap();
    let out_snapshot = tmp.path().join("out-snapshot");
    let o = dsgen(&[
        "render",
        snapshot.to_str().unwrap(),
        "--out",
        out_snapshot.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let files = tree_of(&out_snapshot);
    let cron = files
        .iter()
        .find(|(p, _)| p.starts_with("Main/batch/") && p.ends_with("-batch.yaml"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .expect("a CronJob for the snapshot capture");
    assert!(cron.contains("SRC_CRED_PASSWORD"), "{cron}");
    for (path, bytes) in files {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(CANARY),
            "{path} contains the canary"
        );
    }
    // Secret-like attributes: in settings, a container and a capture. Rejected, redacted.
    let dirty = base
        .replace(
            "    merge_credential  = \"merge_writer\"\n",
            &format!("    merge_credential  = \"merge_writer\"\n    password = \"{CANARY}\"\n"),
        )
        .replace(
            "    database  = \"src\"\n",
            &format!("    database  = \"src\"\n    password  = \"{CANARY}\"\n"),
        )
        .replace(
            "      credential = \"src_cred\"\n",
            &format!("      credential = \"src_cred\"\n      secret_key = \"{CANARY}\"\n"),
        );
    let model = tmp.path().join("dirty");
    std::fs::create_dir(&model).unwrap();
    std::fs::write(model.join("base.hcl"), &dirty).unwrap();
    let out2 = tmp.path().join("out2");
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let o = dsgen(&["lint", model.to_str().unwrap(), "--format", format]);
        assert_eq!(code(&o), 1, "{format}");
        let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
        assert!(
            !all.contains(CANARY),
            "{format} output quotes the canary:\n{all}"
        );
    }
    let o = dsgen(&[
        "render",
        model.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1);
    assert!(!stderr(&o).contains(CANARY), "{}", stderr(&o));
    assert!(!out2.exists());
}

/// Every key of the rendered Helm values exists in the operator chart's own defaults with a
/// value of the same shape.
#[test]
fn helm_values_keys_exist_in_the_operator_chart() {
    fn same_shape(path: &str, ours: &serde_json::Value, theirs: &serde_json::Value) {
        use serde_json::Value::*;
        match (ours, theirs) {
            (Object(a), Object(b)) => {
                for (k, v) in a {
                    let t = b
                        .get(k)
                        .unwrap_or_else(|| panic!("`{path}.{k}` is not a key of the chart"));
                    same_shape(&format!("{path}.{k}"), v, t);
                }
            }
            (Array(_), Array(_)) | (String(_), String(_)) | (Bool(_), Bool(_)) => {}
            (Number(_), Number(_)) => {}
            (a, b) => panic!("`{path}`: {a} does not have the shape of the chart's {b}"),
        }
    }
    let chart_path = repo_root().join("../shared/schemas/strimzi/operator-chart-values-1.2.0.yaml");
    let chart: serde_json::Value = serde_norway::from_str(&read_shared(&chart_path)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = dsgen(&[
        "render",
        &acme(),
        "--target",
        "kafka-connect",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut seen = 0;
    for (path, bytes) in tree_of(&out) {
        if path.starts_with("YellowLive/helm/") {
            let values: serde_json::Value = serde_norway::from_slice(&bytes).unwrap();
            same_shape("", &values, &chart);
            seen += 1;
        }
    }
    assert_eq!(seen, 1);
}

/// The Connect REST JSON and the KafkaConnector carry the same connector.
#[test]
fn rest_json_and_kafka_connectors_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = dsgen(&[
        "render",
        &acme(),
        "--target",
        "kafka-connect",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let tree = tree_of(&out);
    // Every KafkaConnector, from the multi-document files (one per ingest node).
    let mut resources: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for (path, bytes) in &tree {
        if !path.starts_with("YellowLive/strimzi/connectors/") {
            continue;
        }
        let text = String::from_utf8(bytes.clone()).unwrap();
        for doc in serde_norway::Deserializer::from_str(&text) {
            let v: serde_json::Value = serde::Deserialize::deserialize(doc).unwrap();
            assert_eq!(v["kind"], "KafkaConnector");
            let name = v["metadata"]["name"].as_str().unwrap().to_string();
            assert!(resources.insert(name, v).is_none(), "{path}: duplicate");
        }
    }
    let mut n = 0;
    for (path, bytes) in &tree {
        let Some(name) = path
            .strip_prefix("YellowLive/connect/")
            .and_then(|p| p.strip_suffix(".json"))
        else {
            continue;
        };
        let rest: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let cr = resources
            .remove(name)
            .unwrap_or_else(|| panic!("no KafkaConnector {name}"));
        assert_eq!(rest["name"], name);
        assert_eq!(cr["metadata"]["name"], name);
        let mut config = rest["config"].as_object().unwrap().clone();
        assert_eq!(
            config.remove("connector.class").unwrap(),
            cr["spec"]["class"]
        );
        assert_eq!(
            config.remove("tasks.max").unwrap(),
            cr["spec"]["tasksMax"].to_string()
        );
        assert_eq!(serde_json::Value::Object(config), cr["spec"]["config"]);
        for v in cr["spec"]["config"].as_object().unwrap().values() {
            let v = v.as_str().unwrap();
            assert!(
                !v.contains("${") || v.starts_with("${secrets:yellow/"),
                "{name}: placeholder {v}"
            );
        }
        n += 1;
    }
    assert!(n >= 5, "{n}");
    assert!(
        resources.is_empty(),
        "KafkaConnectors without REST JSON: {resources:?}"
    );
}

/// The inventory `dsgen plan` compares: one resource per deployed object, each defined by a
/// rendered file that names it, unique per (platform, kind, name); none without `inventory`.
#[test]
fn the_inventory_lists_every_deployed_object_once_in_the_file_that_defines_it() {
    use dsgen::target::resource::ResourceKind;
    use dsgen::target::{render_model, Selection};
    let (model, diags) =
        dsgen::lint::lint_loaded(load_files(model_files(&repo_root().join("examples/acme"))));
    assert!(diags.iter().all(|d| !d.is_error()));
    let all = Selection {
        inventory: true,
        target: Some(dsgen::model::Target::KafkaConnect),
        ..Selection::default()
    };
    let out = render_model(&model, all).unwrap_or_else(|e| panic!("{e:?}"));
    let files: BTreeMap<String, Vec<u8>> = out.files().into_iter().collect();
    assert!(files.contains_key("MANIFEST.json"));
    let mut seen = std::collections::BTreeSet::new();
    let mut kinds = std::collections::BTreeSet::new();
    for r in &out.resources {
        let key = (&r.platform, r.resource.kind, &r.resource.name);
        assert!(seen.insert(key), "listed twice: {key:?}");
        kinds.insert(r.resource.kind);
        let text = std::str::from_utf8(&files[&r.resource.file]).unwrap();
        assert!(r.resource.file.starts_with(&format!("{}/", r.platform)));
        // A chart's values do not name the release they are installed as.
        assert!(
            r.resource.kind == ResourceKind::HelmRelease || text.contains(&r.resource.name),
            "{} does not name {}",
            r.resource.file,
            r.resource.name
        );
        if matches!(
            r.resource.kind,
            ResourceKind::SourceConnector | ResourceKind::SinkConnector
        ) {
            let class = r.resource.spec.value()["connector.class"]
                .as_str()
                .unwrap()
                .to_string();
            assert!(text.contains(&class), "{}: {class}", r.resource.file);
        }
    }
    for kind in [
        ResourceKind::ConnectCluster,
        ResourceKind::SourceConnector,
        ResourceKind::SinkConnector,
        ResourceKind::AccessControl,
        ResourceKind::NetworkPolicy,
        ResourceKind::HelmRelease,
        ResourceKind::ScheduledJob,
        ResourceKind::Table,
        ResourceKind::View,
    ] {
        assert!(kinds.contains(&kind), "acme renders no {kind:?}");
    }
    // Every connector file of the render is some connector's REST JSON.
    let connectors = out
        .resources
        .iter()
        .filter(|r| {
            matches!(
                r.resource.kind,
                ResourceKind::SourceConnector | ResourceKind::SinkConnector
            )
        })
        .count();
    let rest = files.keys().filter(|p| p.contains("/connect/")).count();
    assert_eq!(connectors, rest);
    // Every CronJob file of the render is one scheduled job, defined in its own file, with the
    // batch pods' ServiceAccount and NetworkPolicy listed once per platform.
    let jobs: Vec<_> = out
        .resources
        .iter()
        .filter(|r| r.resource.kind == ResourceKind::ScheduledJob)
        .collect();
    let cron_files: std::collections::BTreeSet<&String> = files
        .keys()
        .filter(|p| p.contains("/batch/") && p.ends_with("-batch.yaml"))
        .collect();
    assert_eq!(jobs.len(), cron_files.len());
    for j in &jobs {
        assert!(cron_files.contains(&j.resource.file), "{}", j.resource.file);
        assert_eq!(j.resource.spec.value()["kind"], "CronJob");
        assert!(matches!(
            j.resource.element,
            dsgen::target::resource::Element::Store(_)
                | dsgen::target::resource::Element::Dataset(..)
        ));
    }
    for (kind, file) in [
        (ResourceKind::AccessControl, "batch/service-account.yaml"),
        (ResourceKind::NetworkPolicy, "batch/network-policy.yaml"),
    ] {
        let platforms_with_jobs: std::collections::BTreeSet<&String> =
            jobs.iter().map(|j| &j.platform).collect();
        let listed: std::collections::BTreeSet<&String> = out
            .resources
            .iter()
            .filter(|r| r.resource.kind == kind && r.resource.file.ends_with(file))
            .map(|r| &r.platform)
            .collect();
        assert_eq!(listed, platforms_with_jobs, "{file}");
    }
    // Every dataset's merge table is listed with the columns plan compares, in the model's
    // types, and every `sql/` file defines something listed.
    let sql_files: std::collections::BTreeSet<&String> =
        files.keys().filter(|p| p.contains("/sql/")).collect();
    let listed: std::collections::BTreeSet<&String> = out
        .resources
        .iter()
        .filter(|r| matches!(r.resource.kind, ResourceKind::Table | ResourceKind::View))
        .map(|r| &r.resource.file)
        .collect();
    assert_eq!(sql_files, listed);
    let merge = out
        .resources
        .iter()
        .find(|r| r.resource.kind == ResourceKind::Table && r.resource.name.ends_with("_merge"))
        .expect("a merge table");
    let spec = merge.resource.spec.value();
    let columns = spec["columns"].as_array().expect("columns");
    assert!(!columns.is_empty());
    for c in columns {
        let ty = c["type"].as_str().expect("a model type");
        assert!(dsgen::model::datatype::parse_type(ty).is_ok(), "{ty}");
        assert!(c["nullable"].is_boolean());
    }

    let plain = render_model(
        &model,
        Selection {
            inventory: false,
            ..all
        },
    )
    .unwrap();
    assert!(plain.resources.is_empty());
    assert_eq!(plain.tree, out.tree, "the inventory changes no file");
}

fn render_files(files: Vec<(String, Vec<u8>)>) -> (String, Vec<(String, Vec<u8>)>) {
    let (model, diags) = dsgen::lint::lint_loaded(load_files(files));
    assert!(diags.iter().all(|d| !d.is_error()));
    let digest = dsgen::render::model_digest(&model);
    let (tree, _, _) = dsgen::target::render_all(&model).unwrap_or_else(|e| panic!("{e:?}"));
    (
        digest,
        tree.iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    /// Shuffling and renaming the model's files changes no byte of the render or the digest.
    #[test]
    fn render_is_independent_of_file_names_and_order(seed in any::<u64>()) {
        let acme: Vec<(String, Vec<u8>)> = model_files(&repo_root().join("examples/acme"));
        let reference = render_files(acme.clone());
        let mut shuffled = acme;
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        for (i, (p, _)) in shuffled.iter_mut().enumerate() {
            *p = format!("renamed/{i:02}_{}.hcl", (seed % 1000) + i as u64);
        }
        let again = render_files(shuffled);
        prop_assert_eq!(&again.0, &reference.0);
        prop_assert!(again.1 == reference.1, "rendered trees differ");
    }
}

/// A validator for the part of OpenAPI v3 / JSON Schema the Strimzi CRDs use (`type`,
/// `properties` with unknown keys rejected unless `x-kubernetes-preserve-unknown-fields`,
/// `required`, `enum`, `items`, `minimum`, `oneOf` of required sets is ignored), enough to catch
/// a misspelt field, a wrong type or a missing required field. The validation engineer's harness
/// runs a full JSON-Schema validator as well.
fn validate(
    schema: &serde_json::Value,
    value: &serde_json::Value,
    path: &str,
    errors: &mut Vec<String>,
) {
    use serde_json::Value;
    let ty = schema.get("type").and_then(Value::as_str);
    let ok = match (ty, value) {
        (None, _) => true,
        (Some("object"), Value::Object(_)) => true,
        (Some("array"), Value::Array(_)) => true,
        (Some("string"), Value::String(_)) => true,
        (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Some("number"), Value::Number(_)) => true,
        (Some("boolean"), Value::Bool(_)) => true,
        _ => false,
    };
    if !ok {
        errors.push(format!("{path}: {value} is not of type {ty:?}"));
        return;
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            errors.push(format!("{path}: {value} is not one of {options:?}"));
        }
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_f64),
        value.as_f64(),
    ) {
        if n < min {
            errors.push(format!("{path}: {n} < minimum {min}"));
        }
    }
    match value {
        Value::Object(map) => {
            for r in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !map.contains_key(r.as_str().unwrap()) {
                    errors.push(format!("{path}: required `{r}` is missing"));
                }
            }
            let open =
                schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
            let props = schema.get("properties").and_then(Value::as_object);
            let extra = schema.get("additionalProperties");
            for (k, v) in map {
                match props.and_then(|p| p.get(k)) {
                    Some(s) => validate(s, v, &format!("{path}.{k}"), errors),
                    None => match extra {
                        Some(s) if s.is_object() => validate(s, v, &format!("{path}.{k}"), errors),
                        _ if open || props.is_none() => {}
                        _ => errors.push(format!("{path}: unknown field `{k}`")),
                    },
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    validate(s, v, &format!("{path}[{i}]"), errors);
                }
            }
        }
        _ => {}
    }
}

/// A file of `../shared/schemas` (beside the project, as in CI); without it the test fails and
/// says where the schemas are expected.
fn read_shared(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; the Strimzi schemas are expected in ../shared/schemas beside the project",
            path.display()
        )
    })
}

fn crd_schema(file: &str) -> serde_json::Value {
    let path = repo_root().join("../shared/schemas/strimzi").join(file);
    let crd: serde_json::Value = serde_norway::from_str(&read_shared(&path)).unwrap();
    crd["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "v1")
        .expect("a v1 version")["schema"]["openAPIV3Schema"]
        .clone()
}

/// Every rendered Strimzi resource of every golden case validates against its CRD's v1 schema.
#[test]
fn strimzi_resources_validate_against_the_crds() {
    let connect = crd_schema("041-Crd-kafkaconnect.yaml");
    let connector = crd_schema("047-Crd-kafkaconnector.yaml");
    // The validator is not vacuous: a misspelt field and a wrong type are caught.
    let mut errors = Vec::new();
    validate(
        &connector,
        &serde_json::json!({"apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaConnector",
            "metadata": {"name": "x"}, "spec": {"klass": "C", "tasksMax": "1"}}),
        "",
        &mut errors,
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
    let mut checked = 0;
    for case in std::fs::read_dir(repo_root().join("golden/kafka-connect")).unwrap() {
        let expected = case.unwrap().path().join("expected");
        if !expected.exists() {
            continue;
        }
        for (path, bytes) in tree_of(&expected) {
            if !path.contains("/strimzi/") || !path.ends_with(".yaml") {
                continue;
            }
            let text = String::from_utf8(bytes).unwrap();
            for doc in serde_norway::Deserializer::from_str(&text) {
                let v: serde_json::Value = serde::Deserialize::deserialize(doc).unwrap();
                let schema = match v["kind"].as_str() {
                    Some("KafkaConnect") => &connect,
                    Some("KafkaConnector") => &connector,
                    _ => continue,
                };
                assert_eq!(v["apiVersion"], "kafka.strimzi.io/v1", "{path}");
                let mut errors = Vec::new();
                validate(schema, &v, "", &mut errors);
                assert!(
                    errors.is_empty(),
                    "{}: {path}: {errors:#?}",
                    expected.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "{checked}");
}

/// The batch CronJobs of acme's YellowLive: one per ingest node fed by a capture (cdc, a
/// snapshot triggered externally, a cron-triggered capture), each running exactly
/// `dsgen batch --platform P --node KEY --model-dir /model` on the capture's trigger, with the
/// exit protocol in its podFailurePolicy and credentials only as Secret references.
#[test]
fn batch_cron_jobs_run_dsgen_batch_per_ingest_node_with_merge_work() {
    use dsgen::graph::{NodeKind, Source};
    use dsgen::model::index::ModelIndex;
    let (model, diags) =
        dsgen::lint::lint_loaded(load_files(model_files(&repo_root().join("examples/acme"))));
    assert!(diags.iter().all(|d| !d.is_error()));
    let out = dsgen::target::render_model(
        &model,
        dsgen::target::Selection {
            platform: Some("YellowLive"),
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let ix = ModelIndex::new(&model);
    let placement = dsgen::broker::place(&model, &ix).placement;
    let graphs = dsgen::graph::build(&ix, &placement);
    let graph = graphs.platform("YellowLive").unwrap();
    // Expected: node key -> (trigger, capture kind, capture credential).
    let mut expected = BTreeMap::new();
    for node in graph.nodes() {
        if node.kind != NodeKind::Ingest {
            continue;
        }
        if let Some(Source::Capture {
            kind,
            trigger,
            credential,
            ..
        }) = &node.source
        {
            expected.insert(
                node.key.clone(),
                (trigger.clone(), *kind, credential.clone()),
            );
        }
    }
    assert!(
        expected.values().any(|(t, _, _)| t == "external"),
        "acme has an externally triggered capture"
    );
    assert!(expected.values().any(|(_, k, _)| *k == "snapshot"));
    let mut seen = BTreeMap::new();
    for (path, bytes) in out.tree.iter() {
        if !(path.starts_with("YellowLive/batch/") && path.ends_with("-batch.yaml")) {
            continue;
        }
        let text = std::str::from_utf8(bytes).unwrap();
        let doc: serde_json::Value = serde_norway::from_str(text).unwrap();
        assert_eq!(doc["apiVersion"], "batch/v1");
        assert_eq!(doc["kind"], "CronJob");
        let spec = &doc["spec"];
        let job = &spec["jobTemplate"]["spec"];
        let pod = &job["template"]["spec"];
        let container = &pod["containers"][0];
        let args: Vec<&str> = container["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(args.len(), 7, "{args:?}");
        assert_eq!(
            (args[0], args[1], args[2], args[3], args[5], args[6]),
            (
                "batch",
                "--platform",
                "YellowLive",
                "--node",
                "--model-dir",
                "/model"
            )
        );
        let node = args[4].to_string();
        let (trigger, kind, credential) = expected
            .get(&node)
            .unwrap_or_else(|| panic!("{path}: {node} is not an ingest node fed by a capture"));
        // The schedule: the capture's cron, or suspended for an external trigger.
        if trigger == "external" {
            assert_eq!(spec["suspend"], true, "{path}");
        } else {
            assert_eq!(spec["schedule"], trigger.as_str(), "{path}");
            assert_eq!(spec["suspend"], false, "{path}");
        }
        assert_eq!(spec["concurrencyPolicy"], "Forbid");
        assert_eq!(pod["restartPolicy"], "Never");
        assert_eq!(pod["automountServiceAccountToken"], false);
        assert_eq!(container["command"], serde_json::json!(["dsgen"]));
        assert_eq!(
            container["image"],
            "registry.dc1.acme.internal/yellow/dsgen-batch:1"
        );
        // The exit protocol: 1 is ignored (the pod is replaced), anything else but 0 fails.
        let rules = job["podFailurePolicy"]["rules"].as_array().unwrap();
        let by_action = |action: &str, operator: &str| {
            rules
                .iter()
                .find(|r| r["action"] == action && r["onExitCodes"]["operator"] == operator)
                .map(|r| r["onExitCodes"]["values"].clone())
        };
        assert_eq!(by_action("Ignore", "In"), Some(serde_json::json!([1])));
        assert_eq!(
            by_action("FailJob", "NotIn"),
            Some(serde_json::json!([0, 1]))
        );
        assert!(job["activeDeadlineSeconds"].as_u64().unwrap() > 0);
        // Credentials: the merge credential, and the capture's for a job that pulls the source;
        // every variable from a Secret, none with a value.
        let mut want = vec!["yellow_merge_writer".to_string()];
        if matches!(*kind, "snapshot" | "watermark") {
            want.extend(credential.clone());
        }
        let env = container["env"].as_array().unwrap();
        for cred in &want {
            let prefix = dsgen::target::kafka_connect::settings::env_name(cred);
            let secret = dsgen::target::kafka_connect::settings::secret_name(cred);
            for key in ["username", "password"] {
                let name = format!("{prefix}_{}", key.to_ascii_uppercase());
                let var = env
                    .iter()
                    .find(|e| e["name"] == name.as_str())
                    .unwrap_or_else(|| panic!("{path}: no {name}"));
                assert_eq!(
                    var["valueFrom"]["secretKeyRef"],
                    serde_json::json!({"name": secret, "key": key})
                );
            }
        }
        assert_eq!(env.len(), 2 * want.len(), "{path}: {env:?}");
        assert!(env.iter().all(|e| e.get("value").is_none()));
        seen.insert(node, path.to_string());
    }
    let wanted: Vec<&String> = expected.keys().collect();
    let got: Vec<&String> = seen.keys().collect();
    assert_eq!(got, wanted, "one CronJob per ingest node fed by a capture");
}

/// A strimzi platform with merge work and no `batch_image` is DS136 at lint; with `plain` the
/// merge job is left to the operators and nothing is required or rendered.
#[test]
fn batch_image_is_required_only_where_there_is_merge_work() {
    let base = include_str!("fixtures/base/base.hcl");
    let lint = |text: &str| {
        let (_, diags) = dsgen::lint::lint_loaded(load_files(vec![(
            "m.hcl".to_string(),
            text.as_bytes().to_vec(),
        )]));
        diags
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| (d.code.to_string(), d.message))
            .collect::<Vec<_>>()
    };
    let without: String = base
        .lines()
        .filter(|l| !l.trim_start().starts_with("batch_image"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(lint(base).is_empty(), "{:?}", lint(base));
    let errors = lint(&without);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "DS136");
    assert!(errors[0].1.contains("batch_image"), "{errors:?}");
    // No sink on the platform: no merge work, no requirement.
    let idle: String = without
        .lines()
        .filter(|l| !l.starts_with("assign "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(lint(&idle).is_empty(), "{:?}", lint(&idle));
    // A malformed quantity and a limit below its request are DS136 as well.
    let bad = base.replace(
        "    batch_image",
        "    batch_memory_limit = \"lots\"\n    batch_cpu_limit = \"50m\"\n    batch_image",
    );
    let errors = lint(&bad);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().all(|(c, _)| c == "DS136"));
}
