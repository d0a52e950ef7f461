//! DS132 capture-container-kind.
//!
//! ## What it does
//! Checks that a capture's container can be read the way the capture kind says:
//!
//! | capture kind | container kinds |
//! |---|---|
//! | `cdc` | `postgres`, `mysql`, `sqlserver`, `oracle`, `db2`, `azure_sql` |
//! | `snapshot` | those, `snowflake`, `object_storage` |
//! | `watermark` | `postgres`, `mysql`, `sqlserver`, `oracle`, `db2`, `azure_sql`, `snowflake` |
//!
//! A `platform_managed` container is never a capture source.
//!
//! ## Why is this bad?
//! Change data capture reads a database's change log, which warehouses, buckets and brokers do
//! not have; a watermark capture runs range queries, which a bucket of files cannot answer; and
//! a `platform_managed` container is wherever a platform chooses to keep its own copies, not a
//! source. Such a capture could never be rendered into a working connector.
//!
//! ## Notes
//! Kafka captures are checked by DS128; an unknown container is DS106.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::{CaptureKind, ContainerKind, DbEngine};

declare_code!(
    DS132,
    "capture-container-kind",
    Lint,
    Error,
    "A capture reads from a container kind that cannot be a source for that capture kind",
    "Each capture kind needs a source that can deliver it. `cdc` reads a database's change log: \
     postgres, mysql, sqlserver, oracle, db2 or azure_sql. `snapshot` copies whole tables or \
     files: those databases, snowflake or object_storage. `watermark` queries rows above a high \
     mark: the databases, azure_sql or snowflake. A `platform_managed` container is never a \
     source. Point the capture at a container of a suitable kind, or choose the capture kind \
     that suits the container (for example `snapshot` for files in object storage).",
);

pub static RULE: Rule = Rule {
    code: &DS132,
    check,
};

const DATABASES: [ContainerKind; 6] = [
    ContainerKind::Database(DbEngine::Postgres),
    ContainerKind::Database(DbEngine::Mysql),
    ContainerKind::Database(DbEngine::Sqlserver),
    ContainerKind::Database(DbEngine::Oracle),
    ContainerKind::Database(DbEngine::Db2),
    ContainerKind::AzureSql,
];

/// The container kinds a capture kind can read, or `None` when another rule decides (kafka).
fn sources(kind: CaptureKind) -> Option<Vec<ContainerKind>> {
    let mut kinds = DATABASES.to_vec();
    match kind {
        CaptureKind::Cdc => {}
        CaptureKind::Snapshot => {
            kinds.extend([ContainerKind::Snowflake, ContainerKind::ObjectStorage]);
        }
        CaptureKind::Watermark => kinds.push(ContainerKind::Snowflake),
        CaptureKind::Kafka => return None,
    }
    Some(kinds)
}

/// Capture kinds that can read a container kind, for the help text.
fn readers(container: ContainerKind) -> Vec<&'static str> {
    [
        CaptureKind::Cdc,
        CaptureKind::Snapshot,
        CaptureKind::Watermark,
    ]
    .into_iter()
    .filter(|k| sources(*k).is_some_and(|s| s.contains(&container)))
    .map(CaptureKind::as_str)
    .chain((container == ContainerKind::Kafka).then_some("kafka"))
    .collect()
}

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for store in &team.datastores {
            let Some(capture) = &store.capture else {
                continue;
            };
            let Some(allowed) = sources(capture.kind.value) else {
                continue;
            };
            let Some((_, container)) = cx.index.containers.get(capture.container.value.as_str())
            else {
                continue;
            };
            let kind = container.kind.value;
            if allowed.contains(&kind) {
                continue;
            }
            let capture_kind = capture.kind.value.as_str();
            let list: Vec<&str> = allowed.iter().map(|k| k.as_str()).collect();
            let readers = readers(kind);
            let alternative = if readers.is_empty() {
                format!("{} containers are never capture sources", kind.as_str())
            } else {
                format!(
                    "{} containers can be read by {} captures",
                    kind.as_str(),
                    readers.join(" or ")
                )
            };
            out.push(
                Diagnostic::new(
                    &DS132,
                    format!(
                        "the {capture_kind} capture of datastore `{}` reads from container \
                         `{}` of kind {}; {capture_kind} captures read {}",
                        store.name.value,
                        container.name.value,
                        kind.as_str(),
                        list.join(", ")
                    ),
                )
                .at(capture.container.span)
                .label(
                    container.kind.span,
                    format!("`{}` is declared here", container.name.value),
                )
                .label(capture.kind.span, "capture kind")
                .help(format!(
                    "capture from a container of a suitable kind, or change the capture kind \
                     ({alternative})"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_files;

    #[test]
    fn the_table() {
        let pg = ContainerKind::Database(DbEngine::Postgres);
        let ok = |c: CaptureKind, k: ContainerKind| sources(c).is_some_and(|s| s.contains(&k));
        assert!(ok(CaptureKind::Cdc, pg) && ok(CaptureKind::Cdc, ContainerKind::AzureSql));
        assert!(!ok(CaptureKind::Cdc, ContainerKind::Snowflake));
        assert!(!ok(CaptureKind::Cdc, ContainerKind::ObjectStorage));
        assert!(ok(CaptureKind::Snapshot, ContainerKind::ObjectStorage));
        assert!(ok(CaptureKind::Snapshot, ContainerKind::Snowflake));
        assert!(ok(CaptureKind::Watermark, ContainerKind::Snowflake));
        assert!(!ok(CaptureKind::Watermark, ContainerKind::ObjectStorage));
        for c in [
            CaptureKind::Cdc,
            CaptureKind::Snapshot,
            CaptureKind::Watermark,
        ] {
            assert!(!ok(c, ContainerKind::PlatformManaged));
            assert!(!ok(c, ContainerKind::Kafka));
        }
        assert!(sources(CaptureKind::Kafka).is_none());
        assert_eq!(readers(ContainerKind::ObjectStorage), ["snapshot"]);
        assert_eq!(readers(ContainerKind::Kafka), ["kafka"]);
        assert!(readers(ContainerKind::PlatformManaged).is_empty());
    }

    #[test]
    fn reports_at_the_capture_container() {
        let text = r#"ecosystem "E" {
  owning_repo = "github:e/eco@main"
  live_repo   = "github:e/eco@live"
  zone "Z" { repo = "github:e/z@main" }
}
governance_zone "Z" {
  team "T" { repo = "github:e/t@main" }
}
team "Z" "T" {
  container "platform_managed" "Managed" {}
  container "snowflake" "Wh" {
    account = "a"
    database = "d"
  }
  datastore "A" {
    capture {
      kind = "watermark"
      watermark_column = "id"
      container = "Managed"
      trigger = "external"
    }
  }
  datastore "B" {
    capture {
      kind = "cdc"
      container = "Wh"
      trigger = "external"
    }
  }
  datastore "C" {
    capture {
      kind = "kafka"
      consistency = "single_dataset"
      container = "Wh"
      trigger = "external"
    }
  }
}
"#;
        let loaded = load_files(vec![("a.hcl".into(), text.into())]);
        let mut got: Vec<(usize, String)> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS132")
            .filter_map(|d| Some((loaded.model.sources.line_col(d.span?).0, d.help?)))
            .collect();
        got.sort();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, 19);
        assert!(got[0].1.contains("never capture sources"), "{}", got[0].1);
        assert_eq!(got[1].0, 26);
        assert!(
            got[1].1.contains("by snapshot or watermark captures"),
            "{}",
            got[1].1
        );
    }
}
