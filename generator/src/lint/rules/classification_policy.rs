//! DS122 classification-policy-violation.
//!
//! ## What it does
//! Checks every sink against the classification policies that govern the workspace it
//! belongs to: each `policy "classification"` of the zone of the team that defines the
//! workspace, and the workspace's own `classification_policy`. The classifications of the
//! dataset a sink reads (its dataset-level `classification`, else the union of its columns')
//! must each be allowed by every one of those policies:
//!
//! - when `allowed` is not empty, every classification must match one of its entries;
//! - no classification may match an entry of `not_allowed`.
//!
//! An entry without a qualifier matches every qualifier of its class (`"PC3"` matches
//! `"PC3:ssn"`); a qualified entry matches only the identical value.
//!
//! ## Why is this bad?
//! Classification policies are how a zone, or a workspace's owners, keep data out of places
//! that are not cleared for it: a reporting workspace that may not hold personal data, a zone
//! that forbids material non-public information. A sink that breaks one copies exactly that
//! data to the workspace's container on every run, where everyone with access to the
//! workspace can read it.
//!
//! ## Notes
//! Policy entries that are not valid classifications are reported by DS135 and ignored here;
//! an `allowed` list none of whose entries is valid therefore restricts nothing (DS135 already
//! fails the lint). Datasets without any classification are DS115 / DS116, and sinks of
//! unknown datasets DS106.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::values::Classification;
use crate::model::{Dataset, Name, PolicyKind, Sink, Workspace};
use crate::source::{Span, Spanned};
use std::collections::{HashMap, HashSet};

declare_code!(
    DS122,
    "classification-policy-violation",
    Lint,
    Error,
    "A sink reads data that a classification policy of its workspace does not allow",
    "The classification policies of a workspace's zone (`policy \"classification\"` in the \
     governance zone of the team that defines the workspace) and the workspace's own \
     `classification_policy` decide which data the workspace may hold. Every classification of \
     a dataset a sink reads must match an `allowed` entry (when `allowed` is not empty) and no \
     `not_allowed` entry; `\"PC3\"` matches `\"PC3:ssn\"`, a qualified entry only itself. Read \
     a copy without the restricted data instead (for example the output of a masking \
     transformer), correct the dataset's classification if it is wrong, or, with the zone's \
     approval, change the policy.",
);

pub static RULE: Rule = Rule {
    code: &DS122,
    check,
};

/// A policy's parseable entries (the others are DS135's business).
struct Entries {
    allowed: Vec<Spanned<Classification>>,
    not_allowed: Vec<Spanned<Classification>>,
}

impl Entries {
    fn parse(allowed: &[Name], not_allowed: &[Name]) -> Entries {
        let parse = |names: &[Name]| {
            names
                .iter()
                .filter_map(|n| Some(Spanned::new(Classification::parse(&n.value).ok()?, n.span)))
                .collect()
        };
        Entries {
            allowed: parse(allowed),
            not_allowed: parse(not_allowed),
        }
    }

    fn is_empty(&self) -> bool {
        self.allowed.is_empty() && self.not_allowed.is_empty()
    }

    /// Why `c` breaks this policy, if it does.
    fn verdict(&self, c: &Classification) -> Option<Verdict<'_>> {
        if let Some(entry) = self.not_allowed.iter().find(|e| c.matches_policy_entry(e)) {
            return Some(Verdict::NotAllowed(entry));
        }
        if !self.allowed.is_empty() && !self.allowed.iter().any(|e| c.matches_policy_entry(e)) {
            return Some(Verdict::NotInAllowed);
        }
        None
    }

    fn allowed_list(&self) -> String {
        let list: Vec<String> = self.allowed.iter().map(|e| e.value.to_string()).collect();
        list.join(", ")
    }
}

enum Verdict<'a> {
    NotAllowed(&'a Spanned<Classification>),
    NotInAllowed,
}

/// One policy that applies to a workspace.
struct Applied<'a> {
    /// "classification policy `No SPI` of zone `EU`".
    what: String,
    /// Where to point when a classification is missing from `allowed`.
    span: Span,
    entries: &'a Entries,
}

/// The distinct classifications of a dataset (dataset level, else the union of its columns'),
/// each with the span of its first occurrence.
fn classifications(ds: &Dataset) -> Vec<&Spanned<Classification>> {
    let mut seen = HashSet::new();
    let lists: Vec<&Vec<Spanned<Classification>>> = match &ds.classification {
        Some(list) => vec![&list.value],
        None => ds
            .columns
            .iter()
            .filter_map(|c| c.classification.as_ref().map(|l| &l.value))
            .collect(),
    };
    lists
        .into_iter()
        .flatten()
        .filter(|c| seen.insert(&c.value))
        .collect()
}

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let zone_policies: HashMap<&str, Vec<(String, Span, Entries)>> = cx
        .model
        .zones
        .iter()
        .map(|z| {
            let policies = z
                .policies
                .iter()
                .filter(|p| p.kind.value == PolicyKind::Classification)
                .map(|p| {
                    (
                        format!(
                            "classification policy `{}` of zone `{}`",
                            p.name.value, z.name.value
                        ),
                        p.name.span,
                        Entries::parse(&p.allowed, &p.not_allowed),
                    )
                })
                .filter(|(_, _, e)| !e.is_empty())
                .collect::<Vec<_>>();
            (z.name.value.as_str(), policies)
        })
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let any_workspace_policy = cx
        .model
        .teams
        .iter()
        .flat_map(|t| &t.workspaces)
        .any(|w| w.classification_policy.is_some());
    if zone_policies.is_empty() && !any_workspace_policy {
        return;
    }
    // Every dataset by (store, dataset), through the index's (first) definition of each store.
    let mut datasets: HashMap<(&str, &str), &Dataset> = HashMap::new();
    for (name, owned) in &cx.index.datastores {
        for ds in &owned.item.datasets {
            datasets.entry((name, ds.name.value.as_str())).or_insert(ds);
        }
    }
    let mut memo: HashMap<(&str, &str), Vec<&Spanned<Classification>>> = HashMap::new();
    for team in &cx.model.teams {
        let zone = zone_policies.get(team.zone.value.as_str());
        for ws in &team.workspaces {
            let own = ws
                .classification_policy
                .as_ref()
                .map(|p| (p, Entries::parse(&p.allowed, &p.not_allowed)));
            let mut applied: Vec<Applied> = zone
                .into_iter()
                .flatten()
                .map(|(what, span, entries)| Applied {
                    what: what.clone(),
                    span: *span,
                    entries,
                })
                .collect();
            if let Some((p, entries)) = &own {
                if !entries.is_empty() {
                    applied.push(Applied {
                        what: format!(
                            "the `classification_policy` of workspace `{}`",
                            ws.name.value
                        ),
                        span: p.span,
                        entries,
                    });
                }
            }
            if applied.is_empty() {
                continue;
            }
            for dsg in &ws.dsgs {
                for sink in &dsg.sinks {
                    let key = (sink.store.value.as_str(), sink.dataset.value.as_str());
                    let Some(ds) = datasets.get(&key) else {
                        continue;
                    };
                    let classes = memo.entry(key).or_insert_with(|| classifications(ds));
                    for policy in &applied {
                        for c in classes.iter() {
                            if let Some(v) = policy.entries.verdict(&c.value) {
                                out.push(diagnostic(ws, sink, ds, c, policy, v));
                            }
                        }
                    }
                }
            }
        }
    }
}

fn diagnostic(
    ws: &Workspace,
    sink: &Sink,
    ds: &Dataset,
    c: &Spanned<Classification>,
    policy: &Applied,
    verdict: Verdict,
) -> Diagnostic {
    let d = Diagnostic::new(
        &DS122,
        format!(
            "sink `{}`/`{}` of workspace `{}` reads `{}` data, which {} does not allow",
            sink.store.value, sink.dataset.value, ws.name.value, c.value, policy.what
        ),
    )
    .at(sink.dataset.span);
    let d = match verdict {
        Verdict::NotAllowed(entry) => {
            d.label(entry.span, format!("`{}` is not allowed", entry.value))
        }
        Verdict::NotInAllowed => d.label(
            policy.span,
            format!("allows only {}", policy.entries.allowed_list()),
        ),
    };
    d.label(
        c.span,
        format!("`{}` is classified `{}` here", ds.name.value, c.value),
    )
    .help(format!(
        "read a copy of `{}` without `{}` data instead (e.g. the output of a masking \
             transformer), or correct the classification if it is wrong",
        ds.name.value, c.value
    ))
}

#[cfg(test)]
mod tests {
    use crate::load::load_files;

    /// DS122 findings as (line, message) for a zone policy body and a workspace policy.
    fn ds122(zone_policies: &str, ws_policy: &str, classes: &str) -> Vec<(usize, String)> {
        let text = format!(
            r#"ecosystem "E" {{
  owning_repo = "github:e/eco@main"
  live_repo   = "github:e/eco@live"
  zone "Z" {{ repo = "github:e/z@main" }}
  zone "Y" {{ repo = "github:e/y@main" }}
}}
governance_zone "Z" {{
  team "T" {{ repo = "github:e/t@main" }}
{zone_policies}
}}
governance_zone "Y" {{
  team "P" {{ repo = "github:e/p@main" }}
  policy "classification" "Producer" {{ not_allowed = ["PUB"] }}
}}
team "Y" "P" {{
  datastore "S" {{
    dataset "d" {{
{classes}
      column "id" {{ type = "bigint" }}
    }}
  }}
}}
team "Z" "T" {{
  workspace "W" {{
    container = "platform_managed"
    {ws_policy}
    dsg "G" {{
      sink "S" "d" {{}}
      sink "S" "missing" {{}}
    }}
  }}
}}
"#
        );
        let loaded = load_files(vec![("a.hcl".into(), text.into())]);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let mut got: Vec<(usize, String)> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS122")
            .filter_map(|d| Some((loaded.model.sources.line_col(d.span?).0, d.message)))
            .collect();
        got.sort();
        got
    }

    const DATASET_PC3: &str = r#"      classification = ["PC3:ssn", "PUB"]"#;

    fn messages(got: &[(usize, String)]) -> Vec<&str> {
        got.iter().map(|g| g.1.as_str()).collect()
    }

    #[test]
    fn unqualified_entries_cover_qualified_values() {
        let got = ds122(
            r#"  policy "classification" "No SPI" { not_allowed = ["PC3"] }"#,
            "",
            DATASET_PC3,
        );
        assert_eq!(
            messages(&got),
            [
                "sink `S`/`d` of workspace `W` reads `PC3:ssn` data, which classification policy \
              `No SPI` of zone `Z` does not allow"
            ]
        );
        assert_eq!(got[0].0, 28);
    }

    #[test]
    fn qualified_entries_match_only_themselves() {
        let zone = r#"  policy "classification" "Q" { not_allowed = ["PC3:dob"] }"#;
        assert!(ds122(zone, "", DATASET_PC3).is_empty());
        let zone = r#"  policy "classification" "Q" { allowed = ["PUB", "PC3:dob"] }"#;
        let got = ds122(zone, "", DATASET_PC3);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].1.contains("`PC3:ssn`"));
        let zone = r#"  policy "classification" "Q" { allowed = ["PUB", "PC3:ssn"] }"#;
        assert!(ds122(zone, "", DATASET_PC3).is_empty());
    }

    #[test]
    fn workspace_policy_and_column_classifications() {
        let columns = r#"      column "ssn" {
        type = "varchar(11)"
        classification = ["PC3:ssn"]
      }
      column "dob" {
        type = "date"
        classification = ["PC3:ssn", "CPI"]
      }"#;
        let got = ds122(
            "",
            r#"classification_policy = { allowed = ["PUB", "PC3"], not_allowed = ["CPI"] }"#,
            columns,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0]
            .1
            .contains("reads `CPI` data, which the `classification_policy` of workspace `W`"));
    }

    #[test]
    fn only_the_consuming_zone_and_valid_entries_count() {
        // The producer's zone forbids PUB: not the consumer's business. Invalid entries are
        // DS135's; an `allowed` list of only invalid entries restricts nothing.
        assert!(ds122("", "", r#"      classification = ["PUB"]"#).is_empty());
        let zone = r#"  policy "classification" "Bad" { allowed = ["pub"] }"#;
        assert!(ds122(zone, "", DATASET_PC3).is_empty());
        // Both lists at once, and two policies: one finding per (policy, classification).
        let zone = r#"  policy "classification" "A" { allowed = ["PUB"] }
  policy "classification" "B" { not_allowed = ["PC3", "PUB"] }"#;
        let got = ds122(
            zone,
            r#"classification_policy = { allowed = ["PUB"] }"#,
            DATASET_PC3,
        );
        assert_eq!(got.len(), 4, "{got:?}");
    }
}
