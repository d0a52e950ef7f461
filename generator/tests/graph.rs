//! The intention graph: golden snapshots (JSON and Mermaid) of `examples/acme` and of the
//! fixture models under `tests/fixtures/graph/<case>/`, priority propagation, and stability of
//! the output when the model's files are shuffled or renamed.

use dsgen::graph::{self, Element, Graphs};
use dsgen::load::load_files;
use dsgen::model::index::ModelIndex;
use proptest::prelude::*;
use std::path::Path;

fn read_dir(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            read_dir(&path, &format!("{prefix}{name}/"), out);
        } else if name.ends_with(".hcl") {
            out.push((format!("{prefix}{name}"), std::fs::read(&path).unwrap()));
        }
    }
}

fn files_of(dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    read_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
        "",
        &mut files,
    );
    assert!(!files.is_empty(), "no model files in {dir}");
    files
}

/// Load, lint (which places), require no errors, and build the graphs.
fn graphs(files: Vec<(String, Vec<u8>)>) -> Graphs {
    let (model, diags) = dsgen::lint::lint_loaded(load_files(files));
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let ix = ModelIndex::new(&model);
    let placement = dsgen::broker::place(&model, &ix).placement;
    graph::build(&ix, &placement)
}

fn json(g: &Graphs) -> String {
    serde_json::to_string_pretty(&graph::to_json(&g.platforms)).unwrap()
}

fn snapshot_case(case: &str) {
    let g = graphs(files_of(&format!("tests/fixtures/graph/{case}")));
    insta::assert_snapshot!(format!("{case}_json"), json(&g));
    insta::assert_snapshot!(format!("{case}_mermaid"), graph::to_mermaid(&g.platforms));
}

#[test]
fn acme() {
    let g = graphs(files_of("../examples/acme"));
    insta::assert_snapshot!("acme_json", json(&g));
    insta::assert_snapshot!("acme_mermaid", graph::to_mermaid(&g.platforms));
    insta::assert_snapshot!("acme_dot", graph::to_dot(&g.platforms));
    // The merge gate's sub-graph of a change to US_Customers.
    insta::assert_snapshot!(
        "acme_focus_us_customers",
        graph::mermaid_focus(&g, &[Element::Store("US_Customers".into())])
    );
}

#[test]
fn capture_and_exports() {
    snapshot_case("capture_and_exports");
    let g = graphs(files_of("tests/fixtures/graph/capture_and_exports"));
    let main = g.platform("Main").unwrap();
    // multi_dataset: one ingest per store; single_dataset: one per dataset.
    assert!(main.node("ingest/Orders").is_some());
    assert!(main.node("ingest/Clicks/views").is_some());
    assert!(main.node("ingest/Clicks/searches").is_some());
    assert!(main.node("ingest/Clicks").is_none());
    // Alpha and Beta share ReportA: one export of Orders/orders for both.
    let shared = main.node("export/ReportA/Orders/orders").unwrap();
    assert_eq!(shared.consumers, ["Alpha", "Beta"]);
    assert_eq!(shared.priority.as_str(), "high");
    assert!(main.node("export/platform_managed/Orders/orders").is_some());
}

#[test]
fn transformer_chain_two_deep() {
    snapshot_case("transformer_chain");
    let g = graphs(files_of("tests/fixtures/graph/transformer_chain"));
    let main = g.platform("Main").unwrap();
    let edges = main.edges();
    for e in [
        ("ingest/Raw", "export/platform_managed/Raw/r"),
        ("export/platform_managed/Raw/r", "trigger/Stage1"),
        ("trigger/Stage1", "transform/Stage1"),
        ("transform/Stage1", "ingest/Mid"),
        ("ingest/Mid", "export/platform_managed/Mid/m"),
        ("export/platform_managed/Mid/m", "trigger/Stage2"),
        ("transform/Stage2", "ingest/Final"),
    ] {
        assert!(edges.contains(&e), "{e:?} missing from {edges:?}");
    }
    assert!(main.cycles.is_empty());
    assert!(petgraph::algo::toposort(&main.graph, None).is_ok());
}

#[test]
fn transformer_cycle_terminates_and_is_reported() {
    snapshot_case("transformer_cycle");
    let g = graphs(files_of("tests/fixtures/graph/transformer_cycle"));
    let main = g.platform("Main").unwrap();
    assert_eq!(main.cycles.len(), 1);
    assert!(main.cycles[0].contains(&"transform/LeftT".to_string()));
    assert!(main.cycles[0].contains(&"transform/RightT".to_string()));
    assert!(!main.cycles[0].contains(&"ingest/Seed".to_string()));
}

#[test]
fn primary_ingestion_pair() {
    snapshot_case("primary_ingestion");
    let g = graphs(files_of("tests/fixtures/graph/primary_ingestion"));
    let lake = g.platform("Lake").unwrap();
    let main = g.platform("Main").unwrap();
    // Lake reads both stores from Main's merge tables and runs no transformer.
    for store in ["Customers", "Masked"] {
        let n = lake.node(&format!("ingest/{store}")).unwrap();
        assert_eq!(
            n.source,
            Some(graph::Source::Primary {
                platform: "Main".into()
            })
        );
        assert_eq!(
            main.node(&format!("ingest/{store}")).unwrap().feeds,
            ["Lake"]
        );
    }
    assert!(lake.node("transform/Mask").is_none());
    assert!(main.node("transform/Mask").is_some());
}

#[test]
fn decommissioned_assignment_removes_the_dsg() {
    snapshot_case("decommissioned");
    let g = graphs(files_of("tests/fixtures/graph/decommissioned"));
    let old = g.platform("Old").unwrap();
    assert_eq!(
        old.node("export/platform_managed/Orders/orders")
            .unwrap()
            .consumers,
        ["Staying"]
    );
    let main = g.platform("Main").unwrap();
    assert_eq!(
        main.node("export/platform_managed/Orders/orders")
            .unwrap()
            .consumers,
        ["Moved"]
    );
}

#[test]
fn policy_rejections_have_their_codes() {
    let (model, diags) = dsgen::lint::lint_loaded(load_files(files_of(
        "tests/fixtures/graph/policy_rejections",
    )));
    let lines: Vec<String> = diags
        .iter()
        .map(|d| {
            let line = d.span.map_or(0, |s| model.sources.line_col(s).0);
            format!(
                "{} {} line {line}: {}",
                d.code,
                d.severity.as_str(),
                d.message
            )
        })
        .collect();
    insta::assert_snapshot!("policy_rejections", lines.join("\n"));
}

const PRIORITY_MODEL: &str = r#"
ecosystem "P" {
  owning_repo = "github:p/eco@main"
  live_repo   = "github:p/eco@live"
  zone "Z" { repo = "github:p/z@main" }
}
vendor "V" {
  cloud = "aws"
  location "here" {}
}
governance_zone "Z" {
  team "T" { repo = "github:p/t@main" }
}
credential_store "k8s" { kind = "kubernetes_secrets" }
container "kafka" "K" {
  bootstrap_servers = ["kafka:9092"]
  locations         = ["V:here"]
}
container "object_storage" "L" {
  bucket    = "landing"
  locations = ["V:here"]
}
container "postgres" "M" {
  host      = "merge"
  port      = 5432
  database  = "merge"
  locations = ["V:here"]
}
platform "Main" {
  target           = "kafka-connect"
  locations        = ["V:here"]
  credential_store = "k8s"
  settings {
    kafka_container   = "K"
    landing_container = "L"
    merge_container   = "M"
    merge_credential  = "merge_writer"
    build_image       = "registry/connect:1"
    batch_image       = "registry/dsgen-batch:1"
  }
}
team "Z" "T" {
  container "postgres" "Src" {
    host      = "src"
    port      = 5432
    database  = "src"
    locations = ["V:here"]
  }
  datastore "S" {
    capture {
      kind       = "cdc"
      container  = "Src"
      credential = "c"
      trigger    = "*/5 * * * *"
    }
    dataset "d" {
      classification = ["PUB"]
      column "id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
    }
  }
  datastore "Out" {
    dataset "o" {
      classification = ["PUB"]
      column "id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
    }
  }
  workspace "Maker" {
    container = "platform_managed"
    priority  = "medium"
    dsg "Reads" {
      sink "S" "d" {}
    }
    transformer "MakeOut" {
      output = "Out"
      code { image = "m:1" }
    }
  }
  workspace "Other" {
    container = "platform_managed"
    priority  = "medium"
    dsg "Reads" {
      sink "S" "d" {}
    }
  }
  workspace "Consumer" {
    container = "platform_managed"
    priority  = "CONSUMER_PRIORITY"
    dsg "Reads" {
      sink "Out" "o" {}
    }
  }
}
assign "Other" "Reads" { platform = "Main" }
assign "Consumer" "Reads" { platform = "Main" }
"#;

fn priority_of(consumer: &str, key: &str) -> String {
    let text = PRIORITY_MODEL.replace("CONSUMER_PRIORITY", consumer);
    let g = graphs(vec![("m.hcl".into(), text.into_bytes())]);
    g.platform("Main")
        .unwrap()
        .node(key)
        .unwrap_or_else(|| panic!("no node {key}"))
        .priority
        .as_str()
        .to_string()
}

#[test]
fn priority_propagates_through_transformers() {
    let input = "export/platform_managed/S/d";
    for key in [input, "ingest/S", "trigger/Maker", "transform/Maker"] {
        // Two medium workspaces and a low consumer: medium.
        assert_eq!(priority_of("low", key), "medium", "{key}");
        // Raising the consumer of the transformer's output raises everything it depends on.
        assert_eq!(priority_of("critical", key), "critical", "{key}");
    }
    assert_eq!(priority_of("low", "ingest/Out"), "low");
    assert_eq!(priority_of("critical", "ingest/Out"), "critical");
}

fn render_all(files: Vec<(String, Vec<u8>)>) -> (String, String, String) {
    let g = graphs(files);
    (
        json(&g),
        graph::to_mermaid(&g.platforms),
        graph::to_dot(&g.platforms),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Shuffling the files and renaming them (which changes the order they are read in) never
    /// changes the graph.
    #[test]
    fn output_ignores_file_order_and_names(seed in any::<u64>(), names in proptest::collection::vec("[a-z]{1,8}", 11)) {
        let files = files_of("../examples/acme");
        let expected = render_all(files.clone());
        let mut shuffled: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .enumerate()
            .map(|(i, (_, bytes))| (format!("{}/{i}.hcl", names[i % names.len()]), bytes))
            .collect();
        // A deterministic Fisher-Yates from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(render_all(shuffled), expected);
    }
}
