//! Consumer impact: the workspaces (with their teams and owning repositories) that depend on a
//! dataset or datastore, through transformer chains (`model::deps`).

use crate::model::deps::{dataset_dependents, store_dependents, Dependent};
use crate::model::index::ModelIndex;

/// One workspace affected by a change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Affected {
    pub workspace: String,
    pub zone: String,
    pub team: String,
    /// The repository of the workspace's team (from its zone's declaration), when declared.
    pub repo: Option<String>,
    /// Transformer workspaces between the changed element and this workspace, nearest first.
    pub via: Vec<String>,
}

/// The consumers of one breaking or widening change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    /// The code of the finding (`DS301`, `DS310`, ...).
    pub code: &'static str,
    /// What changed, as written in messages (`dataset Orders/orders`).
    pub element: String,
    pub affected: Vec<Affected>,
}

/// Every workspace depending on `store` (or one dataset of it), sorted by workspace name.
pub fn affected(ix: &ModelIndex<'_>, store: &str, dataset: Option<&str>) -> Vec<Affected> {
    let deps = match dataset {
        Some(d) => dataset_dependents(ix, store, d),
        None => store_dependents(ix, store),
    };
    deps.iter().map(|d| to_affected(ix, d)).collect()
}

fn to_affected(ix: &ModelIndex<'_>, d: &Dependent<'_>) -> Affected {
    let zone = d.team.zone.value.clone();
    let team = d.team.name.value.clone();
    Affected {
        workspace: d.workspace.name.value.clone(),
        repo: team_repo(ix, &zone, &team),
        zone,
        team,
        via: d.via.iter().map(|s| s.to_string()).collect(),
    }
}

/// The repository a zone declares for one of its teams.
pub fn team_repo(ix: &ModelIndex<'_>, zone: &str, team: &str) -> Option<String> {
    ix.zones
        .get(zone)?
        .teams
        .iter()
        .find(|t| t.name.value == team)
        .map(|t| t.repo.value.clone())
}

/// `2 workspaces depend on it: A (team Z/T, github:o/r@main), B (... via X)`, listing at most
/// eight.
pub fn summary(affected: &[Affected]) -> String {
    const SHOWN: usize = 8;
    if affected.is_empty() {
        return "no workspace depends on it".to_string();
    }
    let list: Vec<String> = affected
        .iter()
        .take(SHOWN)
        .map(|a| {
            let mut s = format!("`{}` (team {}/{}", a.workspace, a.zone, a.team);
            if let Some(repo) = &a.repo {
                s.push_str(&format!(", {repo}"));
            }
            if !a.via.is_empty() {
                s.push_str(&format!(", via {}", a.via.join(" → ")));
            }
            s.push(')');
            s
        })
        .collect();
    let mut text = format!(
        "{} workspace{} depend{} on it: {}",
        affected.len(),
        if affected.len() == 1 { "" } else { "s" },
        if affected.len() == 1 { "s" } else { "" },
        list.join(", ")
    );
    if affected.len() > SHOWN {
        text.push_str(&format!(" and {} more", affected.len() - SHOWN));
    }
    text
}
