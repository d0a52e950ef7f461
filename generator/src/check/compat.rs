//! Backwards compatibility (DESIGN.md "Compatibility"), as a function of the diff: only
//! datasets and datastores the diff touches are compared, so the cost follows the change, not
//! the model. Every breaking or widening finding carries its consumer impact.

use super::codes::*;
use super::diff::{ChangeKind, Diff, ElementId};
use super::impact::{self, Impact};
use super::Finding;
use crate::diag::Diagnostic;
use crate::model::datatype::is_widening;
use crate::model::index::ModelIndex;
use crate::model::{Column, Dataset};
use crate::source::Span;
use std::collections::{BTreeSet, HashMap};

/// Compatibility findings and the consumers of each.
pub fn compatibility(
    bix: &ModelIndex<'_>,
    hix: &ModelIndex<'_>,
    diff: &Diff,
) -> (Vec<Finding>, Vec<Impact>) {
    let mut cx = Cx {
        hix,
        findings: Vec::new(),
        impacts: Vec::new(),
    };
    let mut removed_stores: BTreeSet<&str> = BTreeSet::new();
    let mut touched: BTreeSet<(&str, &str)> = BTreeSet::new();
    for change in &diff.changes {
        match (&change.id, change.kind()) {
            (ElementId::Datastore(s), ChangeKind::Removed) => {
                removed_stores.insert(s);
                if let Some(b) = &change.base {
                    cx.removed_store(s, b.span);
                }
            }
            (ElementId::Dataset(s, d), ChangeKind::Removed)
                if !removed_stores.contains(s.as_str()) =>
            {
                if let Some(b) = &change.base {
                    cx.removed_dataset(s, d, b.span);
                }
            }
            (ElementId::Dataset(s, d), ChangeKind::Changed) | (ElementId::Column(s, d, _), _) => {
                touched.insert((s, d));
            }
            _ => {}
        }
    }
    for (s, d) in touched {
        if let (Some(b), Some(h)) = (bix.dataset(s, d), hix.dataset(s, d)) {
            cx.dataset(s, b, h);
        }
    }
    (cx.findings, cx.impacts)
}

struct Cx<'a, 'm> {
    hix: &'a ModelIndex<'m>,
    findings: Vec<Finding>,
    impacts: Vec<Impact>,
}

impl Cx<'_, '_> {
    fn push(&mut self, mut d: Diagnostic, store: &str, dataset: Option<&str>, element: String) {
        let affected = impact::affected(self.hix, store, dataset);
        // Removals name their sinks and a widening its consumers already; every other breaking
        // change names the workspaces it breaks, in every output format.
        if !affected.is_empty() && ![DS301.code, DS302.code, DS310.code].contains(&d.code) {
            d.message = format!("{}; {}", d.message, impact::summary(&affected));
        }
        let owner = self
            .hix
            .datastores
            .get(store)
            .and_then(|o| impact::team_repo(self.hix, &o.team.zone.value, &o.team.name.value));
        self.impacts.push(Impact {
            code: d.code,
            element,
            affected,
        });
        self.findings.push(Finding {
            diagnostic: d,
            owner,
        });
    }

    /// Sinks in head that still read the store (or one dataset of it), as `W/G (team Z/T)`.
    fn sinks(&self, store: &str, dataset: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = self
            .hix
            .consumers
            .get(store)
            .into_iter()
            .flatten()
            .filter(|(_, _, sink)| dataset.is_none_or(|d| sink.dataset.value == d))
            .map(|(w, g, sink)| {
                let team = self
                    .hix
                    .workspaces
                    .get(w.name.value.as_str())
                    .map(|o| {
                        let repo =
                            impact::team_repo(self.hix, &o.team.zone.value, &o.team.name.value)
                                .map(|r| format!(", {r}"))
                                .unwrap_or_default();
                        format!(" (team {}/{}{repo})", o.team.zone.value, o.team.name.value)
                    })
                    .unwrap_or_default();
                format!(
                    "sink `{}/{}` of `{}/{}`{team}",
                    sink.store.value, sink.dataset.value, w.name.value, g.name.value
                )
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn removed_store(&mut self, store: &str, base_span: Span) {
        let sinks = self.sinks(store, None);
        if sinks.is_empty() {
            return;
        }
        let d = Diagnostic::new(
            &DS302,
            format!(
                "datastore `{store}` is removed, but it is still used by {}",
                list(&sinks)
            ),
        )
        .at(base_span)
        .help("the consumers must remove their sinks first (in their own pull requests); deprecate the datastore to warn them");
        self.push(d, store, None, format!("datastore `{store}`"));
    }

    fn removed_dataset(&mut self, store: &str, dataset: &str, base_span: Span) {
        let sinks = self.sinks(store, Some(dataset));
        if sinks.is_empty() {
            return;
        }
        let mut d = Diagnostic::new(
            &DS301,
            format!(
                "dataset `{store}/{dataset}` is removed, but it is still used by {}",
                list(&sinks)
            ),
        )
        .at(base_span)
        .help("the consumers must remove their sinks first (in their own pull requests); deprecate the dataset to warn them");
        if let Some(o) = self.hix.datastores.get(store) {
            d = d.label(o.item.name.span, "the datastore it was removed from");
        }
        self.push(
            d,
            store,
            Some(dataset),
            format!("dataset `{store}/{dataset}`"),
        );
    }

    fn dataset(&mut self, store: &str, b: &Dataset, h: &Dataset) {
        let name = &h.name.value;
        let element = format!("dataset `{store}/{name}`");
        let here = |s: Option<Span>| s.unwrap_or(h.span);
        let (bk, hk) = (b.key_columns(), h.key_columns());
        let key_changed = bk != hk;
        if key_changed {
            let d = Diagnostic::new(
                &DS305,
                format!(
                    "the primary key of `{store}/{name}` changes from [{}] to [{}]",
                    bk.join(", "),
                    hk.join(", ")
                ),
            )
            .at(here(h.primary_key.as_ref().map(|k| k.span)))
            .label(
                b.primary_key.as_ref().map_or(b.span, |k| k.span),
                "the base revision's key",
            )
            .help("keep the key (columns and order), or publish a new dataset with the new key");
            self.push(d, store, Some(name), element.clone());
        }
        let part = |d: &Dataset| -> Vec<String> {
            d.partition_key.as_ref().map_or_else(Vec::new, |k| {
                k.value.iter().map(|n| n.value.clone()).collect()
            })
        };
        if part(b) != part(h) {
            let d = Diagnostic::new(
                &DS306,
                format!(
                    "the partition key of `{store}/{name}` changes from [{}] to [{}]",
                    part(b).join(", "),
                    part(h).join(", ")
                ),
            )
            .at(here(h.partition_key.as_ref().map(|k| k.span)))
            .help("keep the partition key, or publish a new dataset");
            self.push(d, store, Some(name), element.clone());
        }
        let classes = |c: &Option<
            crate::source::Spanned<
                Vec<crate::source::Spanned<crate::model::values::Classification>>,
            >,
        >|
         -> Option<Vec<String>> {
            c.as_ref()
                .map(|l| l.value.iter().map(|x| x.value.to_string()).collect())
        };
        if classes(&b.classification) != classes(&h.classification) {
            let d = Diagnostic::new(
                &DS308,
                format!(
                    "the classification of `{store}/{name}` changes from {} to {}",
                    show_classes(classes(&b.classification)),
                    show_classes(classes(&h.classification))
                ),
            )
            .at(here(h.classification.as_ref().map(|c| c.span)))
            .help("publish a new dataset with the new classification and move consumers over");
            self.push(d, store, Some(name), element.clone());
        }

        let head_cols: HashMap<&str, &Column> = h
            .columns
            .iter()
            .map(|c| (c.name.value.as_str(), c))
            .collect();
        let base_cols: HashMap<&str, &Column> = b
            .columns
            .iter()
            .map(|c| (c.name.value.as_str(), c))
            .collect();
        for bc in &b.columns {
            let col = bc.name.value.as_str();
            let Some(hc) = head_cols.get(col) else {
                let d = Diagnostic::new(
                    &DS303,
                    format!("column `{col}` is removed from `{store}/{name}`"),
                )
                .at(bc.span)
                .label(h.name.span, "the dataset in the head revision")
                .help("keep the column, or publish a new dataset and deprecate this one");
                self.push(
                    d,
                    store,
                    Some(name),
                    format!("column `{store}/{name}.{col}`"),
                );
                continue;
            };
            let celement = format!("column `{store}/{name}.{col}`");
            if bc.nullable.value != hc.nullable.value {
                let d = Diagnostic::new(
                    &DS307,
                    format!(
                        "column `{store}/{name}.{col}` changes from {} to {}",
                        nullability(bc.nullable.value),
                        nullability(hc.nullable.value)
                    ),
                )
                .at(hc.nullable.span)
                .help("existing columns keep their nullability; add a new column instead");
                self.push(d, store, Some(name), celement.clone());
            }
            if bc.key.value != hc.key.value && !key_changed {
                let d = Diagnostic::new(
                    &DS305,
                    format!(
                        "column `{store}/{name}.{col}` {} the key flag",
                        if hc.key.value { "gains" } else { "loses" }
                    ),
                )
                .at(hc.key.span)
                .help("existing columns keep their key flag");
                self.push(d, store, Some(name), celement.clone());
            }
            if classes(&bc.classification) != classes(&hc.classification) {
                let d = Diagnostic::new(
                    &DS308,
                    format!(
                        "the classification of column `{store}/{name}.{col}` changes from {} to {}",
                        show_classes(classes(&bc.classification)),
                        show_classes(classes(&hc.classification))
                    ),
                )
                .at(hc.classification.as_ref().map_or(hc.span, |c| c.span))
                .help("publish a new column or dataset with the new classification");
                self.push(d, store, Some(name), celement.clone());
            }
            if let (Some(old), Some(new)) = (&bc.ty.value, &hc.ty.value) {
                if old != new {
                    if is_widening(old, new) {
                        let affected = impact::affected(self.hix, store, Some(name));
                        let d = Diagnostic::new(
                            &DS310,
                            format!(
                                "column `{store}/{name}.{col}` is widened from `{old}` to `{new}`; {}",
                                impact::summary(&affected)
                            ),
                        )
                        .at(hc.ty.span)
                        .label(bc.ty.span, "the base revision's type")
                        .help("the consumers named here may need to widen their own tables and code first");
                        self.push(d, store, Some(name), celement.clone());
                    } else {
                        let d = Diagnostic::new(
                            &DS309,
                            format!("column `{store}/{name}.{col}` changes type from `{old}` to `{new}`, which is not a widening"),
                        )
                        .at(hc.ty.span)
                        .label(bc.ty.span, "the base revision's type")
                        .help("keep the type or widen it (DESIGN.md \"Widening relation\"); for another type add a new column");
                        self.push(d, store, Some(name), celement.clone());
                    }
                }
            }
        }
        for hc in &h.columns {
            let col = hc.name.value.as_str();
            if base_cols.contains_key(col) {
                continue;
            }
            let is_key = hc.key.value || hk.contains(&col);
            if !hc.nullable.value || is_key {
                let why = match (!hc.nullable.value, is_key) {
                    (true, true) => "NOT NULL and part of the key",
                    (true, false) => "NOT NULL",
                    _ => "part of the key",
                };
                let d = Diagnostic::new(
                    &DS304,
                    format!(
                        "column `{col}` is added to existing dataset `{store}/{name}` but is {why}"
                    ),
                )
                .at(hc.span)
                .help(
                    "a column added to an existing dataset must be nullable and not a key column",
                );
                self.push(
                    d,
                    store,
                    Some(name),
                    format!("column `{store}/{name}.{col}`"),
                );
            }
        }
    }
}

fn nullability(nullable: bool) -> &'static str {
    if nullable {
        "nullable"
    } else {
        "NOT NULL"
    }
}

fn show_classes(c: Option<Vec<String>>) -> String {
    match c {
        None => "none".to_string(),
        Some(l) => format!("[{}]", l.join(", ")),
    }
}

fn list(items: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut text = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        text.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    text
}
