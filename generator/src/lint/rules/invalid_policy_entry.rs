//! DS135 invalid-policy-entry.
//!
//! ## What it does
//! Checks every `allowed` and `not_allowed` entry of a governance zone's policies against the
//! policy's kind:
//!
//! - `vendor`: a declared vendor;
//! - `cloud`: one of the cloud words (`aws`, `azure`, `gcp`, ... `private`);
//! - `location`: a well-formed location (`"VENDOR"` or `"VENDOR:loc/sub"`) whose vendor and
//!   steps are declared;
//! - `classification`: a classification (`PUB`, `IP`, `PC1`, `PC2`, `CPI`, `MNPI`, `CSI`,
//!   `PC3`, optionally qualified as `"PC3:ssn"`);
//! - `platform`: an existing platform.
//!
//! The `allowed` and `not_allowed` entries of a workspace's `classification_policy` are
//! checked as classifications too.
//!
//! ## Why is this bad?
//! A policy entry that names nothing never matches: a misspelt `not_allowed` entry silently
//! forbids nothing, and a misspelt `allowed` entry silently forbids everything it was meant to
//! permit. Policies are the zone's guarantees about where its data may go, so they must say
//! what their authors meant.

use super::invalid_location;
use crate::diag::codes::declare_code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::lint::{LintContext, Rule};
use crate::model::values::Classification;
use crate::model::{Name, PolicyKind};
use crate::schema::CLOUDS;

declare_code!(
    DS135,
    "invalid-policy-entry",
    Lint,
    Error,
    "A policy entry is not a valid vendor, cloud, location, classification or platform",
    "Each entry of a policy's `allowed` and `not_allowed` lists must be a value of the policy's \
     kind: a declared vendor, a cloud word (aws, azure, gcp, ibm, oracle, alibaba, aws_china, \
     tencent, huawei, azure_china, private), a declared location, a classification such as \
     `PC3` or `PC3:ssn`, or an existing platform. Entries of a workspace's \
     `classification_policy` are classifications. An entry that names nothing never matches, \
     so the policy would silently not do what it says. Fix the spelling or declare the element.",
);

pub static RULE: Rule = Rule {
    code: &DS135,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let ix = &cx.index;
    for zone in &model.zones {
        for policy in &zone.policies {
            let kind = policy.kind.value;
            let owner = format!(
                "{} policy `{}` of zone `{}`",
                kind.as_str(),
                policy.name.value,
                zone.name.value
            );
            for entry in entries(&policy.allowed, &policy.not_allowed) {
                let (problem, help) = match kind {
                    PolicyKind::Vendor => {
                        if ix.vendors.contains_key(entry.value.as_str()) {
                            continue;
                        }
                        (
                            format!("`{}` is not a declared vendor", entry.value),
                            suggest(&entry.value, ix.vendors.keys().copied(), "name a vendor declared with a `vendor` block"),
                        )
                    }
                    PolicyKind::Cloud => {
                        if CLOUDS.contains(&entry.value.as_str()) {
                            continue;
                        }
                        (
                            format!("`{}` is not a cloud", entry.value),
                            format!(
                                "{}expected one of: {}",
                                did_you_mean(&entry.value, CLOUDS.iter().copied())
                                    .map(|s| format!("did you mean `{s}`? "))
                                    .unwrap_or_default(),
                                CLOUDS.join(", ")
                            ),
                        )
                    }
                    PolicyKind::Location => {
                        let Some(p) = invalid_location::problem(ix, &entry.value) else {
                            continue;
                        };
                        let mut d = Diagnostic::new(&DS135, format!("{owner} has {}", p.message))
                            .at(entry.span)
                            .help(p.help);
                        if let Some((span, msg)) = p.label {
                            d = d.label(span, msg);
                        }
                        out.push(d);
                        continue;
                    }
                    PolicyKind::Classification => match Classification::parse(&entry.value) {
                        Ok(_) => continue,
                        Err(e) => (e, "write a classification: PUB, IP, PC1, PC2, CPI, MNPI, CSI or PC3, optionally qualified as `PC3:ssn`".to_string()),
                    },
                    PolicyKind::Platform => {
                        if ix.platforms.contains_key(entry.value.as_str()) {
                            continue;
                        }
                        (
                            format!("`{}` is not a platform", entry.value),
                            suggest(&entry.value, ix.platforms.keys().copied(), "name a platform defined with a `platform` block"),
                        )
                    }
                };
                out.push(
                    Diagnostic::new(&DS135, format!("{owner}: {problem}"))
                        .at(entry.span)
                        .help(help),
                );
            }
        }
    }
    for team in &model.teams {
        for ws in &team.workspaces {
            let Some(policy) = &ws.classification_policy else {
                continue;
            };
            for entry in entries(&policy.allowed, &policy.not_allowed) {
                if let Err(e) = Classification::parse(&entry.value) {
                    out.push(
                        Diagnostic::new(
                            &DS135,
                            format!("classification_policy of workspace `{}`: {e}", ws.name.value),
                        )
                        .at(entry.span)
                        .help("write a classification: PUB, IP, PC1, PC2, CPI, MNPI, CSI or PC3, optionally qualified as `PC3:ssn`"),
                    );
                }
            }
        }
    }
}

fn entries<'a>(allowed: &'a [Name], not_allowed: &'a [Name]) -> impl Iterator<Item = &'a Name> {
    allowed.iter().chain(not_allowed)
}

/// "Did you mean", else the known names when there are few, else `otherwise`.
fn suggest<'a>(
    unknown: &str,
    known: impl Iterator<Item = &'a str> + Clone,
    otherwise: &str,
) -> String {
    if let Some(s) = did_you_mean(unknown, known.clone()) {
        return format!("did you mean `{s}`?");
    }
    let mut names: Vec<&str> = known.take(11).collect();
    if names.is_empty() || names.len() > 10 {
        return otherwise.to_string();
    }
    names.sort_unstable();
    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    format!("{otherwise}; known: {}", list.join(", "))
}

#[cfg(test)]
mod tests {
    fn lint(extra: &str) -> Vec<(usize, String)> {
        let base = include_str!("../../../tests/fixtures/base/base.hcl");
        let loaded = crate::load::load_files(vec![
            ("a.hcl".into(), extra.into()),
            ("base.hcl".into(), base.into()),
        ]);
        let src = &loaded.model.sources;
        let mut out: Vec<_> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS135")
            .map(|d| {
                let s = d.span.unwrap();
                assert_eq!(src.path(s.file), "a.hcl", "{}", d.message);
                (src.line_col(s).0, d.help.unwrap_or_default())
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn every_policy_kind() {
        // The base model's zone `Zone` is defined there, so a second governance zone is used.
        let text = r#"governance_zone "Other" {
  policy "vendor" "V" { allowed = ["Cloud", "Clowd"] }
  policy "cloud" "C" { not_allowed = ["aws", "AWS"] }
  policy "location" "L" { allowed = ["Cloud", "Cloud:east/dc1", "Cloud:north", "Cloud:"] }
  policy "classification" "K" { not_allowed = ["PC3", "PC3:ssn", "pc3", "PC9"] }
  policy "platform" "P" { allowed = ["Main", "Mian"] }
}
team "Zone" "Fixture" {
  workspace "W" {
    container = "platform_managed"
    classification_policy = { allowed = ["PUB"], not_allowed = ["SECRET"] }
  }
}
"#;
        let got = lint(text);
        let lines: Vec<usize> = got.iter().map(|g| g.0).collect();
        assert_eq!(lines, [2, 3, 4, 4, 5, 5, 6, 11], "{got:#?}");
        assert_eq!(got[0].1, "did you mean `Cloud`?");
        assert!(got[1].1.starts_with("did you mean `aws`?"), "{}", got[1].1);
        assert_eq!(got[6].1, "did you mean `Main`?");
    }
}
