//! DS104 case-insensitive-duplicate.
//!
//! ## What it does
//! Finds containers (ecosystem-level and team-level together), platforms and credential stores
//! whose names are equal when ASCII letter case is ignored, such as `ReportDB` and `reportdb`.
//! The diagnostic points at the later definition (by file path, then position) and labels the
//! first.
//!
//! ## Why is this bad?
//! These names become Kubernetes resource names, Kafka client ids and SQL names, where case
//! folds: two containers `Orders` and `orders` would render to the same resource and one would
//! silently overwrite the other.
//!
//! ## Notes
//! Exact duplicates are already rejected when the model is loaded (DS008). Each kind is its own
//! namespace: a platform and a credential store may share a name.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::Name;
use crate::source::SourceMap;
use std::collections::HashMap;

declare_code!(
    DS104,
    "case-insensitive-duplicate",
    Lint,
    Error,
    "Two containers, platforms or credential stores differ only in letter case",
    "Container, platform and credential store names are unique ecosystem-wide ignoring letter \
     case, because they become Kubernetes, Kafka and SQL names where case folds: `ReportDB` and \
     `reportdb` would render to the same resource. Containers share one namespace whether they \
     are defined at ecosystem level or inside a team. Rename one of the two elements and update \
     the references to it.",
);

pub static RULE: Rule = Rule {
    code: &DS104,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let containers = model
        .containers
        .iter()
        .chain(model.teams.iter().flat_map(|t| &t.containers))
        .map(|c| &c.name);
    report("container", containers, &model.sources, out);
    report(
        "platform",
        model.platforms.iter().map(|p| &p.name),
        &model.sources,
        out,
    );
    report(
        "credential store",
        model.credential_stores.iter().map(|c| &c.name),
        &model.sources,
        out,
    );
}

/// Group `names` by their lower-cased form and report every later member of a group against
/// the first, in source order.
fn report<'m>(
    what: &str,
    names: impl Iterator<Item = &'m Name>,
    sources: &SourceMap,
    out: &mut Vec<Diagnostic>,
) {
    let mut groups: HashMap<String, Vec<&'m Name>> = HashMap::new();
    for name in names {
        groups
            .entry(name.value.to_ascii_lowercase())
            .or_default()
            .push(name);
    }
    for group in groups.values_mut().filter(|g| g.len() > 1) {
        group.sort_by(|a, b| {
            (sources.path(a.span.file), a.span.start)
                .cmp(&(sources.path(b.span.file), b.span.start))
        });
        let first = group[0];
        for later in &group[1..] {
            // Exact duplicates were dropped at load (DS008); skip any that remain.
            if later.value == first.value {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &DS104,
                    format!(
                        "{what} `{}` differs from {what} `{}` only in letter case",
                        later.value, first.value
                    ),
                )
                .at(later.span)
                .label(first.span, format!("{what} `{}` is defined here", first.value))
                .help(format!(
                    "{what} names are compared ignoring case (they become Kubernetes, Kafka and SQL names); rename one of them"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    fn lint(files: &[(&str, &str)]) -> Vec<(String, usize, String)> {
        let loaded = crate::load::load_files(
            files
                .iter()
                .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
                .collect(),
        );
        let src = &loaded.model.sources;
        let mut out: Vec<_> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS104")
            .map(|d| {
                let s = d.span.unwrap();
                let l = &d.labels[0].span;
                (
                    src.path(s.file).to_string(),
                    src.line_col(s).0,
                    format!("{}:{}", src.path(l.file), src.line_col(*l).0),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn later_file_is_reported_against_the_first() {
        let a = "ecosystem \"E\" { owning_repo = \"github:a/b@main\" }\n\
                 credential_store \"Vault\" { kind = \"env\" }\n\
                 platform \"Main\" { target = \"legacy\" }\n";
        let b = "credential_store \"VAULT\" { kind = \"env\" }\n\
                 credential_store \"vault\" { kind = \"env\" }\n\
                 platform \"main\" { target = \"legacy\" }\n\
                 credential_store \"Main\" { kind = \"env\" }\n";
        assert_eq!(
            lint(&[("b.hcl", b), ("a.hcl", a)]),
            [
                ("b.hcl".to_string(), 1, "a.hcl:2".to_string()),
                ("b.hcl".to_string(), 2, "a.hcl:2".to_string()),
                ("b.hcl".to_string(), 3, "a.hcl:3".to_string()),
            ]
        );
    }

    #[test]
    fn team_and_ecosystem_containers_share_a_namespace() {
        let text = r#"ecosystem "E" { owning_repo = "github:a/b@main" }
container "platform_managed" "Lake" {}
team "Z" "T" {
  container "platform_managed" "LAKE" {}
}
"#;
        assert_eq!(
            lint(&[("a.hcl", text)]),
            [("a.hcl".to_string(), 4, "a.hcl:2".to_string())]
        );
    }
}
