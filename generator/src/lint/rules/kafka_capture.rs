//! DS128 kafka-capture.
//!
//! ## What it does
//! Checks captures that read Kafka topics:
//!
//! - a `kind = "kafka"` capture must say `consistency = "single_dataset"` (the default is
//!   `multi_dataset`, so it must be written);
//! - its container must be a `kafka` container;
//! - its `topics` must name a topic for every dataset of the datastore;
//! - any other capture kind must not set `topics`.
//!
//! ## Why is this bad?
//! Each Kafka topic is read on its own, with its own offsets: there is no transaction that
//! spans topics, so a kafka capture cannot promise that its datasets change together
//! (`multi_dataset`) and each dataset is ingested as its own stream. A dataset without a topic
//! has nothing to read, and a capture whose container is a database or a bucket has no
//! brokers to read from. `topics` on another capture kind is ignored, which hides a mistake
//! about how the data arrives.
//!
//! ## Notes
//! Topic keys that name no dataset are DS133; an unknown container is DS106.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::{CaptureKind, ContainerKind};
use std::collections::HashSet;

declare_code!(
    DS128,
    "kafka-capture",
    Lint,
    Error,
    "A kafka capture is not single_dataset, not on a kafka container, or lacks a topic per dataset",
    "A kafka capture reads one topic per dataset from a Kafka cluster. Topics are read \
     independently, with no transaction across them, so the capture must declare \
     `consistency = \"single_dataset\"` (the default, `multi_dataset`, would promise that the \
     datasets change together). Its `container` must be a `kafka` container (the brokers), and \
     `topics = { dataset = \"topic\" }` must map every dataset of the datastore to its topic. \
     Other capture kinds read databases or files and must not set `topics`.",
);

pub static RULE: Rule = Rule {
    code: &DS128,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for store in &team.datastores {
            let Some(capture) = &store.capture else {
                continue;
            };
            let store_name = &store.name.value;
            if capture.kind.value != CaptureKind::Kafka {
                if let Some((key, _)) = capture.topics.first() {
                    out.push(
                        Diagnostic::new(
                            &DS128,
                            format!(
                                "`topics` is set on the {} capture of datastore `{store_name}`; \
                                 only kafka captures read topics",
                                capture.kind.value.as_str()
                            ),
                        )
                        .at(key.span)
                        .label(capture.kind.span, "capture kind")
                        .help(
                            "remove `topics`, or set `kind = \"kafka\"` (with a kafka container) \
                             if the datastore is read from Kafka",
                        ),
                    );
                }
                continue;
            }
            if capture.consistency.value != crate::model::Consistency::SingleDataset {
                // A defaulted consistency is spanned at the block's header.
                let defaulted = capture.consistency.span.start == capture.span.start;
                let d = if defaulted {
                    Diagnostic::new(
                        &DS128,
                        format!(
                            "the kafka capture of datastore `{store_name}` is multi_dataset (the \
                             default); kafka captures are single_dataset"
                        ),
                    )
                    .at(capture.kind.span)
                } else {
                    Diagnostic::new(
                        &DS128,
                        format!(
                            "the kafka capture of datastore `{store_name}` is multi_dataset; \
                             kafka captures are single_dataset"
                        ),
                    )
                    .at(capture.consistency.span)
                    .label(capture.kind.span, "kafka capture")
                };
                out.push(d.help(
                    "write `consistency = \"single_dataset\"`: topics are read independently, \
                     with no transaction across them",
                ));
            }
            if let Some((_, container)) = cx.index.containers.get(capture.container.value.as_str())
            {
                if container.kind.value != ContainerKind::Kafka {
                    out.push(
                        Diagnostic::new(
                            &DS128,
                            format!(
                                "the kafka capture of datastore `{store_name}` reads from \
                                 container `{}` of kind {}, not a kafka container",
                                container.name.value,
                                container.kind.value.as_str()
                            ),
                        )
                        .at(capture.container.span)
                        .label(
                            container.kind.span,
                            format!("`{}` is declared here", container.name.value),
                        )
                        .help(
                            "name a `container \"kafka\" ...` holding the topics' brokers, or \
                             choose the capture kind that suits this container",
                        ),
                    );
                }
            }
            let topics: HashSet<&str> = capture
                .topics
                .iter()
                .map(|(k, _)| k.value.as_str())
                .collect();
            for dataset in &store.datasets {
                if !topics.contains(dataset.name.value.as_str()) {
                    out.push(
                        Diagnostic::new(
                            &DS128,
                            format!(
                                "dataset `{}` of datastore `{store_name}` has no topic in its \
                                 kafka capture's `topics`",
                                dataset.name.value
                            ),
                        )
                        .at(dataset.name.span)
                        .label(capture.kind.span, "kafka capture")
                        .help(format!(
                            "add `{} = \"TOPIC\"` to the capture's `topics`",
                            dataset.name.value
                        )),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::load::load_files;

    const HEAD: &str = r#"ecosystem "E" {
  owning_repo = "github:e/eco@main"
  live_repo   = "github:e/eco@live"
  zone "Z" { repo = "github:e/z@main" }
}
vendor "V" {
  cloud = "aws"
  location "r" {}
}
governance_zone "Z" {
  team "T" { repo = "github:e/t@main" }
}
team "Z" "T" {
  container "postgres" "Db" {
    host = "h"
    port = 5432
    database = "d"
    locations = ["V:r"]
  }
  container "kafka" "Bus" {
    bootstrap_servers = ["k:9092"]
    locations = ["V:r"]
  }
"#;

    /// DS128 findings as (line, message) for a store with this capture body and datasets
    /// `a` and `b`; the capture starts on line 25, its body on line 26.
    fn ds128(capture: &str) -> Vec<(usize, String)> {
        let text = format!(
            "{HEAD}  datastore \"S\" {{\n    capture {{\n      trigger = \"* * * * *\"\n\
             {capture}\n    }}\n    dataset \"a\" {{\n      classification = [\"PUB\"]\n      \
             column \"id\" {{ type = \"bigint\" }}\n    }}\n    dataset \"b\" {{\n      \
             classification = [\"PUB\"]\n      column \"id\" {{ type = \"bigint\" }}\n    }}\n  \
             }}\n}}\n"
        );
        let loaded = load_files(vec![("a.hcl".into(), text.into())]);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let mut got: Vec<(usize, String)> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS128")
            .map(|d| {
                let span = d.span.expect("span");
                (loaded.model.sources.line_col(span).0, d.message)
            })
            .collect();
        got.sort();
        got
    }

    #[test]
    fn a_correct_kafka_capture() {
        let got = ds128(
            "      kind = \"kafka\"\n      container = \"Bus\"\n      \
             consistency = \"single_dataset\"\n      topics = { a = \"t.a\", b = \"t.b\" }",
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn explicit_multi_dataset_points_at_consistency() {
        let got = ds128(
            "      kind = \"kafka\"\n      container = \"Bus\"\n      \
             consistency = \"multi_dataset\"\n      topics = { a = \"t.a\", b = \"t.b\" }",
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 29);
        assert!(got[0].1.contains("is multi_dataset;"));
    }

    #[test]
    fn defaulted_multi_dataset_points_at_kind_and_missing_topics_at_datasets() {
        let got = ds128(
            "      kind = \"kafka\"\n      container = \"Db\"\n      topics = { a = \"t.a\" }",
        );
        let lines: Vec<usize> = got.iter().map(|g| g.0).collect();
        // kind (27), container (28), dataset `b` (35).
        assert_eq!(lines, [27, 28, 35], "{got:?}");
        assert!(got[0].1.contains("(the default)"));
        assert!(got[1].1.contains("of kind postgres"));
        assert!(got[2].1.contains("dataset `b`"));
    }

    #[test]
    fn topics_only_on_kafka_captures() {
        let got =
            ds128("      kind = \"cdc\"\n      container = \"Db\"\n      topics = { a = \"t.a\" }");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 29);
        assert!(got[0].1.contains("only kafka captures"));
    }
}
