//! DS106 unresolved-reference.
//!
//! ## What it does
//! Checks that every reference by name resolves to an element of the model:
//!
//! - a capture's `container` names a container (ecosystem-level or in any team);
//! - a workspace's `container` names a container, or is the literal `"platform_managed"`;
//! - a platform's `credential_store` names a credential store;
//! - a dataset group's `platform` pin names a platform;
//! - an `assign "WORKSPACE" "DSG"` names a workspace, a DSG of that workspace and (in
//!   `platform`) a platform;
//! - a `primary_ingestion "STORE"` names a datastore, and its `platforms` name platforms;
//! - a `sink "STORE" "DATASET"` names a datastore and a dataset of that datastore;
//! - a transformer's `output` names a datastore.
//!
//! The help suggests the closest existing name when there is one.
//!
//! ## Why is this bad?
//! A dangling name is almost always a typo or a rename that missed a reference. Nothing can be
//! rendered for it: a pipeline with no source, a DSG assigned to nowhere, a sink that reads a
//! table that does not exist.
//!
//! ## Notes
//! Elements of a team that is defined but not declared still resolve (DS107 reports the
//! declaration). Whether a transformer's output belongs to the same team and has no capture is
//! DS129's concern; approvals are checked by DS118, storage policies by DS125, capture
//! `tables`/`topics` keys by DS133, a watermark column by DS127. A required reference that is
//! missing altogether was reported at load (DS005).

use crate::diag::codes::declare_code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::lint::{LintContext, Rule};
use crate::model::Name;
use crate::source::Span;
use std::collections::HashSet;

declare_code!(
    DS106,
    "unresolved-reference",
    Lint,
    Error,
    "A reference names an element that does not exist",
    "Elements refer to each other by name: captures and workspaces to containers, sinks to \
     datastores and their datasets, transformers to their output datastore, platforms to \
     credential stores, assignments and pins to workspaces, dataset groups and platforms. A \
     name that matches nothing is usually a typo or a rename that missed a reference, and \
     nothing can be rendered for it. Fix the name (the help suggests the closest one) or define \
     the missing element. A workspace may also write `container = \"platform_managed\"`.",
);

pub static RULE: Rule = Rule {
    code: &DS106,
    check,
};

/// What a workspace writes to let its platform choose the container.
const PLATFORM_MANAGED: &str = "platform_managed";

/// Whether a required string attribute was absent (or not a string) in the source: the loader
/// then stands in an empty name spanned at the owning block's header, and has already reported
/// it (DS005/DS006). An explicit `""` is spanned at its own quotes and is not "missing".
pub(super) fn missing(name: &Name, owner: Span) -> bool {
    name.value.is_empty() && name.span.file == owner.file && name.span.start == owner.start
}

/// "Did you mean" over candidate lists, bounded so that a model with thousands of broken
/// references to thousands of names stays fast: once the budget of string comparisons is
/// spent, later failures get no suggestion (deterministically: the model is walked in order).
struct Suggest {
    budget: usize,
}

impl Suggest {
    const BUDGET: usize = 2_000_000;

    fn help<'a, I>(&mut self, unknown: &str, candidates: I, otherwise: impl Into<String>) -> String
    where
        I: IntoIterator<Item = &'a str>,
        I::IntoIter: ExactSizeIterator,
    {
        let candidates = candidates.into_iter();
        let n = candidates.len();
        if n <= self.budget {
            self.budget -= n;
            if let Some(s) = did_you_mean(unknown, candidates) {
                return format!("did you mean `{s}`?");
            }
        }
        otherwise.into()
    }
}

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let ix = &cx.index;
    let mut sg = Suggest {
        budget: Suggest::BUDGET,
    };

    // Every (datastore, dataset) pair, so sinks resolve in constant time however many datasets
    // a store has.
    let datasets: HashSet<(&str, &str)> = model
        .teams
        .iter()
        .flat_map(|t| &t.datastores)
        .flat_map(|s| {
            s.datasets
                .iter()
                .map(move |d| (s.name.value.as_str(), d.name.value.as_str()))
        })
        .collect();

    for p in &model.platforms {
        if let Some(cs) = &p.credential_store {
            if !ix.credential_stores.contains_key(cs.value.as_str()) {
                let help = sg.help(
                    &cs.value,
                    ix.credential_stores.keys().copied(),
                    format!(
                        "define `credential_store \"{}\" {{ kind = ... }}` or name an existing one",
                        cs.value
                    ),
                );
                out.push(
                    Diagnostic::new(
                        &DS106,
                        format!(
                            "platform `{}` refers to unknown credential store `{}`",
                            p.name.value, cs.value
                        ),
                    )
                    .at(cs.span)
                    .help(help),
                );
            }
        }
    }

    for a in &model.assignments {
        let what = format!("assignment of `{}`/`{}`", a.workspace.value, a.dsg.value);
        match ix.workspaces.get(a.workspace.value.as_str()) {
            None => {
                let help = sg.help(
                    &a.workspace.value,
                    ix.workspaces.keys().copied(),
                    "name an existing workspace",
                );
                out.push(
                    Diagnostic::new(
                        &DS106,
                        format!("{what} refers to unknown workspace `{}`", a.workspace.value),
                    )
                    .at(a.workspace.span)
                    .help(help),
                );
            }
            Some(ws) => {
                let ws = ws.item;
                if !ws.dsgs.iter().any(|d| d.name.value == a.dsg.value) {
                    let help = sg.help(
                        &a.dsg.value,
                        ws.dsgs
                            .iter()
                            .map(|d| d.name.value.as_str())
                            .collect::<Vec<_>>(),
                        format!("name a dataset group of workspace `{}`", ws.name.value),
                    );
                    out.push(
                        Diagnostic::new(
                            &DS106,
                            format!(
                                "{what}: workspace `{}` has no dataset group `{}`",
                                ws.name.value, a.dsg.value
                            ),
                        )
                        .at(a.dsg.span)
                        .label(
                            ws.name.span,
                            format!("workspace `{}` is defined here", ws.name.value),
                        )
                        .help(help),
                    );
                }
            }
        }
        if !missing(&a.platform, a.span) && !ix.platforms.contains_key(a.platform.value.as_str()) {
            let help = sg.help(
                &a.platform.value,
                ix.platforms.keys().copied(),
                "name an existing platform",
            );
            out.push(
                Diagnostic::new(
                    &DS106,
                    format!("{what} refers to unknown platform `{}`", a.platform.value),
                )
                .at(a.platform.span)
                .help(help),
            );
        }
    }

    for pi in &model.primary_ingestions {
        if !ix.datastores.contains_key(pi.store.value.as_str()) {
            let help = sg.help(
                &pi.store.value,
                ix.datastores.keys().copied(),
                "name an existing datastore",
            );
            out.push(
                Diagnostic::new(
                    &DS106,
                    format!(
                        "primary_ingestion refers to unknown datastore `{}`",
                        pi.store.value
                    ),
                )
                .at(pi.store.span)
                .help(help),
            );
        }
        for p in &pi.platforms {
            if !ix.platforms.contains_key(p.value.as_str()) {
                let help = sg.help(
                    &p.value,
                    ix.platforms.keys().copied(),
                    "name an existing platform",
                );
                out.push(
                    Diagnostic::new(
                        &DS106,
                        format!(
                            "primary_ingestion of `{}` refers to unknown platform `{}`",
                            pi.store.value, p.value
                        ),
                    )
                    .at(p.span)
                    .help(help),
                );
            }
        }
    }

    for team in &model.teams {
        for store in &team.datastores {
            let Some(cap) = &store.capture else { continue };
            if !missing(&cap.container, cap.span)
                && !ix.containers.contains_key(cap.container.value.as_str())
            {
                let help = sg.help(
                    &cap.container.value,
                    ix.containers.keys().copied(),
                    "name an existing container, or define it (in the team or at ecosystem level)",
                );
                out.push(
                    Diagnostic::new(
                        &DS106,
                        format!(
                            "capture of datastore `{}` refers to unknown container `{}`",
                            store.name.value, cap.container.value
                        ),
                    )
                    .at(cap.container.span)
                    .help(help),
                );
            }
        }

        for ws in &team.workspaces {
            let c = &ws.container;
            if !missing(c, ws.span)
                && c.value != PLATFORM_MANAGED
                && !ix.containers.contains_key(c.value.as_str())
            {
                let help = sg.help(
                    &c.value,
                    ix.containers.keys().copied(),
                    format!("name an existing container, or write `container = \"{PLATFORM_MANAGED}\"` to let the platform choose"),
                );
                out.push(
                    Diagnostic::new(
                        &DS106,
                        format!(
                            "workspace `{}` refers to unknown container `{}`",
                            ws.name.value, c.value
                        ),
                    )
                    .at(c.span)
                    .help(help),
                );
            }

            for dsg in &ws.dsgs {
                if let Some(p) = &dsg.platform {
                    if !ix.platforms.contains_key(p.value.as_str()) {
                        let help = sg.help(&p.value, ix.platforms.keys().copied(), "name an existing platform, or remove the pin to use the operators' assignment");
                        out.push(
                            Diagnostic::new(
                                &DS106,
                                format!(
                                    "dataset group `{}` of workspace `{}` is pinned to unknown platform `{}`",
                                    dsg.name.value, ws.name.value, p.value
                                ),
                            )
                            .at(p.span)
                            .help(help),
                        );
                    }
                }
                for sink in &dsg.sinks {
                    let at = format!(
                        "sink `{}`/`{}` of workspace `{}` (dataset group `{}`)",
                        sink.store.value, sink.dataset.value, ws.name.value, dsg.name.value
                    );
                    match ix.datastores.get(sink.store.value.as_str()) {
                        None => {
                            let help = sg.help(
                                &sink.store.value,
                                ix.datastores.keys().copied(),
                                "name an existing datastore",
                            );
                            out.push(
                                Diagnostic::new(
                                    &DS106,
                                    format!(
                                        "{at} refers to unknown datastore `{}`",
                                        sink.store.value
                                    ),
                                )
                                .at(sink.store.span)
                                .help(help),
                            );
                        }
                        Some(owned) => {
                            let key = (sink.store.value.as_str(), sink.dataset.value.as_str());
                            if !datasets.contains(&key) {
                                let s = owned.item;
                                let help = sg.help(
                                    &sink.dataset.value,
                                    s.datasets
                                        .iter()
                                        .map(|d| d.name.value.as_str())
                                        .collect::<Vec<_>>(),
                                    format!("name a dataset of datastore `{}`", s.name.value),
                                );
                                out.push(
                                    Diagnostic::new(
                                        &DS106,
                                        format!(
                                            "{at}: datastore `{}` has no dataset `{}`",
                                            s.name.value, sink.dataset.value
                                        ),
                                    )
                                    .at(sink.dataset.span)
                                    .label(
                                        s.name.span,
                                        format!(
                                            "datastore `{}` (team `{}`) is defined here",
                                            s.name.value, owned.team.name.value
                                        ),
                                    )
                                    .help(help),
                                );
                            }
                        }
                    }
                }
            }

            if let Some(t) = &ws.transformer {
                if !missing(&t.output, t.span)
                    && !ix.datastores.contains_key(t.output.value.as_str())
                {
                    let help = sg.help(
                        &t.output.value,
                        ix.datastores.keys().copied(),
                        format!(
                            "define `datastore \"{}\"` (without a `capture` block) in team `{}`",
                            t.output.value, team.name.value
                        ),
                    );
                    out.push(
                        Diagnostic::new(
                            &DS106,
                            format!(
                                "transformer `{}` of workspace `{}` writes to unknown datastore `{}`",
                                t.name.value, ws.name.value, t.output.value
                            ),
                        )
                        .at(t.output.span)
                        .help(help),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn lint(extra: &str) -> Vec<(usize, String, Option<String>)> {
        let base = include_str!("../../../tests/fixtures/base/base.hcl");
        let loaded = crate::load::load_files(vec![
            ("a.hcl".into(), extra.into()),
            ("base.hcl".into(), base.into()),
        ]);
        let src = &loaded.model.sources;
        let mut out: Vec<_> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS106")
            .map(|d| {
                let s = d.span.unwrap();
                assert_eq!(src.path(s.file), "a.hcl", "{}", d.message);
                (src.line_col(s).0, d.message, d.help)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn every_reference_kind() {
        let text = r#"credential_store "Vault" { kind = "env" }
platform "Other" {
  target           = "legacy"
  credential_store = "k8z"
}
assign "Report" "Main" { platform = "Main" }
assign "Reports" "Mian" { platform = "Mainn" }
primary_ingestion "Order" { platforms = ["Main", "Nope"] }
team "Zone" "Undeclared" {
  datastore "Out" {
    capture {
      kind      = "cdc"
      container = "SourceBD"
      trigger   = "external"
    }
  }
  workspace "W" {
    container = "Platform_Managed"
    dsg "G" {
      platform = "Mian"
      sink "Orders" "order" {}
      sink "Ordres" "orders" {}
    }
    transformer "T" { output = "Outt" }
  }
}
"#;
        let got = lint(text);
        let lines: Vec<usize> = got.iter().map(|g| g.0).collect();
        assert_eq!(
            lines,
            [4, 6, 7, 7, 8, 8, 13, 18, 20, 21, 22, 24],
            "{got:#?}"
        );
        let help = |line: usize| got.iter().find(|g| g.0 == line).unwrap().2.clone().unwrap();
        assert_eq!(help(4), "did you mean `k8s`?");
        assert_eq!(help(13), "did you mean `SourceDB`?");
        assert_eq!(help(24), "did you mean `Out`?");
    }

    #[test]
    fn platform_managed_and_missing_attributes_are_not_reported() {
        let text = r#"team "Zone" "Fixture" {
  workspace "W" {
    container = "platform_managed"
    transformer "T" {}
  }
  workspace "V" {}
}
"#;
        assert!(lint(text).is_empty());
    }

    #[test]
    fn an_explicit_empty_name_is_reported() {
        let text = r#"team "Zone" "Fixture" {
  workspace "W" { container = "" }
}
"#;
        assert_eq!(lint(text).len(), 1);
    }
}
