//! Authorization: is the change source allowed to make every change of the diff?
//!
//! Ownership is always read from the base revision (MODEL.md "Ownership regions"): a pull
//! request cannot grant itself rights by editing declarations. A parent declares and
//! undeclares its children; only the child's own repository creates, edits or deletes the
//! child's definition. A declaration whose repository changes while the child is defined also
//! changes who owns the child's data, so it needs the child's current owner too. Repositories are
//! compared exactly, byte for byte.

use super::codes::{DS201, DS202, DS203};
use super::diff::{Change, ChangeKind, Diff, ElementId, Region};
use super::Finding;
use crate::diag::Diagnostic;
use crate::model::Model;
use std::collections::{BTreeMap, BTreeSet};

/// The repository that owns a region in `base`, or why none does.
pub fn owner_of(base: &Model, region: &Region) -> Result<String, String> {
    let eco = base
        .ecosystem
        .as_ref()
        .ok_or_else(|| "the base revision has no ecosystem".to_string())?;
    match region {
        Region::Ecosystem => Ok(eco.owning_repo.value.clone()),
        Region::Zone(z) => eco
            .zones
            .iter()
            .find(|d| &d.name.value == z)
            .map(|d| d.repo.value.clone())
            .ok_or_else(|| format!("the base ecosystem does not declare zone `{z}`")),
        Region::Team(z, t) => {
            let zone = base
                .zones
                .iter()
                .find(|d| &d.name.value == z)
                .ok_or_else(|| {
                    format!(
                        "zone `{z}` has no definition in the base revision to declare team `{t}`"
                    )
                })?;
            zone.teams
                .iter()
                .find(|d| &d.name.value == t)
                .map(|d| d.repo.value.clone())
                .ok_or_else(|| {
                    format!("zone `{z}` does not declare team `{t}` in the base revision")
                })
        }
    }
}

/// Every repository the base model knows, with the region it owns: the ecosystem's owner, the
/// declared zones' repositories, and the teams declared by defined zones.
pub fn known_repositories(base: &Model) -> Vec<(String, Region)> {
    let mut out = Vec::new();
    let Some(eco) = &base.ecosystem else {
        return out;
    };
    out.push((eco.owning_repo.value.clone(), Region::Ecosystem));
    for z in &eco.zones {
        out.push((z.repo.value.clone(), Region::Zone(z.name.value.clone())));
    }
    for zone in &base.zones {
        if !eco.zones.iter().any(|d| d.name.value == zone.name.value) {
            continue;
        }
        for t in &zone.teams {
            out.push((
                t.repo.value.clone(),
                Region::Team(zone.name.value.clone(), t.name.value.clone()),
            ));
        }
    }
    out
}

/// The initial check-in: no model at base. Only the head's `ecosystem.owning_repo` may create it.
pub fn initial_check_in(head: &Model, source: &str) -> Vec<Finding> {
    let Some(eco) = &head.ecosystem else {
        return Vec::new(); // the head's lint reports DS010
    };
    if eco.owning_repo.value == source {
        return Vec::new();
    }
    let mut d = Diagnostic::new(
        &DS201,
        format!(
            "there is no model at the base revision, so this pull request creates ecosystem `{}`; only its owning repository `{}` may do that, but the change comes from `{}`",
            eco.name.value, eco.owning_repo.value, source
        ),
    )
    .at(eco.owning_repo.span)
    .help("open the initial check-in from the ecosystem's owning repository and branch");
    if let Some(hint) = look_alike(source, std::iter::once(eco.owning_repo.value.as_str())) {
        d = d.help(hint);
    }
    vec![Finding {
        diagnostic: d,
        owner: Some(eco.owning_repo.value.clone()),
    }]
}

/// Is the source known to base? `None` when it is, else the DS202 finding.
/// The finding points at the first change of the diff (what the source tried to change), else
/// at the head's ecosystem.
pub fn known_source(base: &Model, head: &Model, diff: &Diff, source: &str) -> Option<Finding> {
    let known = known_repositories(base);
    if known.iter().any(|(r, _)| r == source) {
        return None;
    }
    let mut d = Diagnostic::new(
        &DS202,
        format!(
            "the change comes from `{}`, which the base model does not name as the owner of anything",
            source.escape_debug()
        ),
    );
    let first = diff.changes.iter().find_map(|c| match (&c.head, &c.base) {
        (Some(h), _) => Some(h.span),
        (None, Some(b)) => Some(b.span),
        (None, None) => None,
    });
    if let Some(span) = first.or(head.ecosystem.as_ref().map(|e| e.name.span)) {
        d = d.at(span);
    }
    let hint = look_alike(source, known.iter().map(|(r, _)| r.as_str()))
        .unwrap_or_else(|| "a change may come only from the ecosystem's owning_repo, a declared zone's repo, or a declared team's repo in the base revision; declare the repository first, from the parent's repository".to_string());
    d = d.help(hint);
    Some(Finding {
        diagnostic: d,
        owner: None,
    })
}

/// A known repository that the source resembles (case, whitespace, branch, characters), for the
/// help text; the comparison itself stays exact.
fn look_alike<'a>(source: &str, known: impl Iterator<Item = &'a str>) -> Option<String> {
    let fold = |s: &str| -> String {
        s.trim()
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let base = |s: &str| fold(s.split('@').next().unwrap_or(s));
    let src = fold(source);
    let mut best: Option<(f64, &str)> = None;
    for k in known {
        let score = if fold(k) == src || base(k) == base(source) {
            1.0
        } else {
            strsim::jaro_winkler(&src, &fold(k))
        };
        if score >= 0.9 && best.is_none_or(|(s, b)| score > s || (score == s && k < b)) {
            best = Some((score, k));
        }
    }
    best.map(|(_, k)| {
        format!(
            "repositories are compared exactly (owner, name, branch, case); `{}` resembles the known repository `{k}` but is not it",
            source.escape_debug()
        )
    })
}

/// A region whose owner is not the source: its owner, or why it has none.
type Missing = (Region, Result<String, String>);

/// The regions whose owners must all be the source for `change` to be authorized.
fn required_regions(change: &Change, base: &Model) -> BTreeSet<Region> {
    let mut regions: BTreeSet<Region> = [&change.base, &change.head]
        .into_iter()
        .flatten()
        .map(|s| s.region.clone())
        .collect();
    // Changing the repository of a declaration while the child is defined hands the child's
    // data to a new owner: the current owner has to agree (by emptying the child first).
    if change.kind() == ChangeKind::Changed {
        let repo_changed = change.changed_attributes().iter().any(|a| a == "repo");
        match &change.id {
            ElementId::ZoneDecl(z)
                if repo_changed && base.zones.iter().any(|d| &d.name.value == z) =>
            {
                regions.insert(Region::Zone(z.clone()));
            }
            ElementId::TeamDecl(z, t)
                if repo_changed
                    && base
                        .teams
                        .iter()
                        .any(|d| &d.zone.value == z && &d.name.value == t) =>
            {
                regions.insert(Region::Team(z.clone(), t.clone()));
            }
            _ => {}
        }
    }
    regions
}

/// Every change the source does not own (DS203), one finding per outermost element: a finding
/// about a datastore stands for the datasets and columns inside it.
pub fn authorize(base: &Model, diff: &Diff, source: &str) -> Vec<Finding> {
    // id -> (change, regions the source lacks, with their owners or why none)
    let mut denied: BTreeMap<&ElementId, (&Change, Vec<Missing>)> = BTreeMap::new();
    let mut owners_cache: BTreeMap<Region, Result<String, String>> = BTreeMap::new();
    for change in &diff.changes {
        let mut missing = Vec::new();
        for region in required_regions(change, base) {
            let owner = owners_cache
                .entry(region.clone())
                .or_insert_with(|| owner_of(base, &region))
                .clone();
            if owner.as_deref() != Ok(source) {
                missing.push((region, owner));
            }
        }
        if !missing.is_empty() {
            denied.insert(&change.id, (change, missing));
        }
    }
    let parent_denied = |change: &Change| {
        [&change.base, &change.head]
            .into_iter()
            .flatten()
            .filter_map(|s| change.id.parent(&s.region))
            .any(|p| denied.contains_key(&p))
    };
    let mut inner: BTreeMap<ElementId, usize> = BTreeMap::new();
    let mut top = Vec::new();
    for (id, (change, missing)) in &denied {
        if parent_denied(change) {
            // Attribute to the outermost denied ancestor.
            let mut cur: ElementId = (*id).clone();
            let mut region = change
                .head
                .as_ref()
                .or(change.base.as_ref())
                .map(|s| s.region.clone());
            while let Some(p) = region.as_ref().and_then(|r| cur.parent(r)) {
                if !denied.contains_key(&p) {
                    break;
                }
                region = denied[&p]
                    .0
                    .head
                    .as_ref()
                    .or(denied[&p].0.base.as_ref())
                    .map(|s| s.region.clone());
                cur = p;
            }
            *inner.entry(cur).or_default() += 1;
        } else {
            top.push((*id, *change, missing));
        }
    }
    top.into_iter()
        .map(|(id, change, missing)| {
            let verb = match change.kind() {
                ChangeKind::Added => "added",
                ChangeKind::Removed => "removed",
                ChangeKind::Changed => "changed",
            };
            let mut what = id.describe();
            if change.kind() == ChangeKind::Changed {
                let attrs = change.changed_attributes();
                if !attrs.is_empty() {
                    what.push_str(&format!(" ({})", attrs.join(", ")));
                }
            }
            if let Some(n) = inner.get(id) {
                what.push_str(&format!(
                    " and {n} element{} inside it",
                    if *n == 1 { "" } else { "s" }
                ));
            }
            let needs: Vec<String> = missing
                .iter()
                .map(|(region, owner)| match owner {
                    Ok(repo) => format!("{} is owned by `{repo}`", region.describe()),
                    Err(why) => format!("{} has no owner yet: {why}", region.describe()),
                })
                .collect();
            let message = format!(
                "{what} {verb}, but {}; the change comes from `{}`",
                needs.join(" and "),
                source.escape_debug()
            );
            let mut d = Diagnostic::new(&DS203, message);
            d = match (&change.head, &change.base) {
                (Some(h), Some(b)) => d.at(h.span).label(b.span, "the base revision's version"),
                (Some(h), None) => d.at(h.span),
                (None, Some(b)) => d.at(b.span),
                (None, None) => d,
            };
            let owners: Vec<&str> = missing
                .iter()
                .filter_map(|(_, o)| o.as_deref().ok())
                .collect();
            let help = if owners.is_empty() {
                "the parent must first declare it (with its repository), in a pull request of its own from the parent's repository; then the new owner defines it".to_string()
            } else if missing.len() > 1 || owners.len() != missing.len() {
                "no single repository may make this change: the current owner must first remove the child's definition, then the parent redeclares it".to_string()
            } else {
                format!(
                    "make this change in a pull request from `{}`",
                    owners.join("`, `")
                )
            };
            Finding {
                diagnostic: d.help(help),
                owner: if owners.is_empty() {
                    None
                } else {
                    Some(owners.join(", "))
                },
            }
        })
        .collect()
}
