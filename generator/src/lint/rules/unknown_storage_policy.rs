//! DS125 unknown-storage-policy.
//!
//! ## What it does
//! Flags an entry of a dataset's `storage_policies` that names no `storage_policy` of the
//! dataset's governance zone: the zone of the team that owns the datastore. When that zone has
//! no definition (`governance_zone` block), every entry is unknown.
//!
//! ## Why is this bad?
//! Storage policies are defined by the zone that governs the data, and a dataset opts in to
//! the `individual` ones by listing them. A name that matches nothing (a typo, a policy of
//! another zone, or one the zone has removed) means the dataset believes it is stored under a
//! policy that nobody enforces.

use crate::diag::codes::declare_code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::lint::{LintContext, Rule};
use std::collections::{HashMap, HashSet};

declare_code!(
    DS125,
    "unknown-storage-policy",
    Lint,
    Error,
    "A dataset lists a storage policy its zone does not define",
    "A dataset's `storage_policies` name `storage_policy` blocks of its own governance zone \
     (the zone of the team that owns the datastore). A name the zone does not define is a typo, \
     a policy of another zone, or one that was removed: the dataset would claim a storage \
     guarantee that nothing enforces. Correct the name, ask the zone to define the policy, or \
     remove the entry.",
);

pub static RULE: Rule = Rule {
    code: &DS125,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let defined: HashMap<&str, HashSet<&str>> = cx
        .index
        .zones
        .iter()
        .map(|(name, zone)| {
            let policies = zone
                .storage_policies
                .iter()
                .map(|p| p.name.value.as_str())
                .collect();
            (*name, policies)
        })
        .collect();
    for team in &cx.model.teams {
        let zone = cx.index.zone_of(team);
        let policies = defined.get(team.zone.value.as_str());
        for store in &team.datastores {
            for dataset in &store.datasets {
                for entry in &dataset.storage_policies {
                    if policies.is_some_and(|p| p.contains(entry.value.as_str())) {
                        continue;
                    }
                    let message = format!(
                        "dataset `{}`/`{}` lists storage policy `{}`, which zone `{}` does not define",
                        store.name.value, dataset.name.value, entry.value, team.zone.value
                    );
                    let d = Diagnostic::new(&DS125, message).at(entry.span);
                    out.push(match zone {
                        None => d.label(team.zone.span, "the owning team's zone, which has no definition").help(format!(
                            "define `governance_zone \"{}\"` with a `storage_policy \"{}\"`, or remove the entry",
                            team.zone.value, entry.value
                        )),
                        Some(zone) => {
                            let names = zone.storage_policies.iter().map(|p| p.name.value.as_str());
                            let help = match did_you_mean(&entry.value, names) {
                                Some(name) => format!("did you mean `{name}`?"),
                                None if zone.storage_policies.is_empty() => format!(
                                    "zone `{}` defines no storage policies: ask it to add `storage_policy \"{}\"`, or remove the entry",
                                    zone.name.value, entry.value
                                ),
                                None => format!(
                                    "zone `{}` defines: {}",
                                    zone.name.value,
                                    zone.storage_policies
                                        .iter()
                                        .map(|p| format!("`{}`", p.name.value))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            };
                            d.label(zone.name.span, "the dataset's zone, defined here").help(help)
                        }
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn unknown_names_and_undefined_zones() {
        let text = r#"governance_zone "Z" {
  storage_policy "Encrypted" { mandatory = "individual" }
}
team "Z" "T" {
  datastore "S" {
    dataset "d" { storage_policies = ["Encrypted", "Encrypted2"] }
  }
}
team "Nowhere" "U" {
  datastore "R" {
    dataset "d" { storage_policies = ["Encrypted"] }
  }
}
"#;
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let mut got: Vec<(usize, String)> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS125")
            .filter_map(|d| Some((model.sources.line_col(d.span?).0, d.message)))
            .collect();
        got.sort();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, 6);
        assert!(got[0].1.contains("`Encrypted2`"), "{got:?}");
        assert_eq!(got[1].0, 11);
        assert!(got[1].1.contains("zone `Nowhere`"), "{got:?}");
    }
}
