//! Render-stage codes (DS5xx): problems that only show once names are generated.
//!
//! The rule meta-harness (`tests/rules.rs`) lints *and renders* a fixture for DS5xx codes, so
//! their `bad.hcl`/`good.hcl` fixtures are checked like every lint rule's.

use super::names::Collision;
use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::source::Span;

declare_code!(
    DS501,
    "name-collision",
    Render,
    Error,
    "Two model names become one generated name",
    "Generated names (connectors, Kubernetes objects, topics, replication slots, tables) are \
     derived from model names and sanitized for their destination: lower-cased, characters the \
     destination does not allow replaced, and shortened with a hash over its length limit. Two \
     model names that differ only in what sanitizing removes (`EU_Orders` and `eu-orders`) \
     would become the same connector or table, and one would silently overwrite the other. \
     Rename one of the two elements the message names.",
);

declare_code!(
    DS502,
    "unpullable-source",
    Render,
    Warning,
    "The merge job cannot pull from this source database",
    "A `snapshot` or `watermark` capture is pulled from the source by the platform's merge job \
     (`dsgen batch`), which this dsgen version can read only from PostgreSQL. For a store whose \
     capture container is another database (MySQL, SQL Server, Oracle, DB2) on a kafka-connect \
     platform, the node's merge job is still rendered, but every run stops with exit 2 and no \
     data of the store reaches the platform. Capture the store with `kind = \"cdc\"` (Debezium \
     reads every supported engine), or pull it from a PostgreSQL copy of the source.",
);

/// Every DS5xx code.
pub static ALL: &[&crate::diag::codes::Code] = &[&DS501, &DS502];

/// A collision as a DS501 diagnostic, at `second` (the element that claimed the name last) with
/// a label at `first` when known.
pub fn collision(c: &Collision, platform: &str, first: Option<Span>, second: Span) -> Diagnostic {
    let mut d = Diagnostic::new(
        &DS501,
        format!(
            "`{}` and `{}` both become {} `{}` on platform `{platform}`",
            c.first, c.second, c.kind, c.name
        ),
    )
    .at(second)
    .help(format!(
        "rename `{}` or `{}` so they differ in letters or digits, not only in case or punctuation",
        c.first, c.second
    ));
    if let Some(f) = first {
        if f != second {
            d = d.label(f, format!("`{}` is declared here", c.first));
        }
    }
    d
}
