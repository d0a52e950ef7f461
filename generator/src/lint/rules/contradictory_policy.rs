//! DS124 contradictory-policy.
//!
//! ## What it does
//! Flags a zone `policy` block, or a workspace's `classification_policy`, that lists the same
//! entry in both `allowed` and `not_allowed`. Entries are compared exactly as written (so
//! `"PC3"` and `"PC3:ssn"` are different entries).
//!
//! ## Why is this bad?
//! The policy contradicts itself: whether the entry is accepted depends on which list a reader
//! (or a tool) looks at first, so the author's intent is unknown and the policy cannot be
//! enforced as written.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::Name;
use std::collections::{HashMap, HashSet};

declare_code!(
    DS124,
    "contradictory-policy",
    Lint,
    Error,
    "A policy lists the same entry as allowed and not allowed",
    "A policy's `allowed` and `not_allowed` lists must not share an entry: the policy would both \
     accept and reject it, and nobody can tell which was meant. This applies to a governance \
     zone's `policy` blocks and to a workspace's `classification_policy`. Entries are compared \
     exactly as written. Remove the entry from the list where it does not belong.",
);

pub static RULE: Rule = Rule {
    code: &DS124,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for zone in &cx.model.zones {
        for policy in &zone.policies {
            let owner = format!(
                "{} policy `{}` of zone `{}`",
                policy.kind.value.as_str(),
                policy.name.value,
                zone.name.value
            );
            contradictions(&owner, &policy.allowed, &policy.not_allowed, out);
        }
    }
    for team in &cx.model.teams {
        for ws in &team.workspaces {
            if let Some(policy) = &ws.classification_policy {
                let owner = format!("the classification_policy of workspace `{}`", ws.name.value);
                contradictions(&owner, &policy.allowed, &policy.not_allowed, out);
            }
        }
    }
}

/// Report each distinct `not_allowed` entry that is also `allowed`.
fn contradictions(owner: &str, allowed: &[Name], not_allowed: &[Name], out: &mut Vec<Diagnostic>) {
    if allowed.is_empty() || not_allowed.is_empty() {
        return;
    }
    let mut first_allowed: HashMap<&str, &Name> = HashMap::new();
    for entry in allowed {
        first_allowed.entry(&entry.value).or_insert(entry);
    }
    let mut reported: HashSet<&str> = HashSet::new();
    for entry in not_allowed {
        let Some(allowed_entry) = first_allowed.get(entry.value.as_str()) else {
            continue;
        };
        if !reported.insert(&entry.value) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &DS124,
                format!(
                    "{owner} lists `{}` as both allowed and not allowed",
                    entry.value
                ),
            )
            .at(entry.span)
            .label(allowed_entry.span, "also allowed here")
            .help(format!(
                "remove `{}` from `allowed` or from `not_allowed`, whichever is wrong",
                entry.value
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn zone_and_workspace_policies_compare_exactly() {
        let text = r#"governance_zone "Z" {
  policy "cloud" "Clouds" {
    allowed     = ["aws", "gcp"]
    not_allowed = ["gcp", "gcp", "AWS"]
  }
}
team "Z" "T" {
  workspace "W" {
    container             = "C"
    classification_policy = { allowed = ["PC3:ssn", "PUB"], not_allowed = ["PC3", "PUB"] }
  }
}
"#;
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let mut got: Vec<(usize, String)> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS124")
            .filter_map(|d| Some((model.sources.line_col(d.span?).0, d.message)))
            .collect();
        got.sort();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, 4);
        assert!(got[0].1.contains("`gcp`"), "{got:?}");
        assert_eq!(got[1].0, 10);
        assert!(
            got[1].1.contains("`PUB`") && got[1].1.contains("workspace `W`"),
            "{got:?}"
        );
    }
}
