//! Who depends on a datastore or dataset, directly or through transformer chains.
//!
//! One query shared by `dsgen deps`, the merge gate's consumer impact and the REST API. A
//! transformer has no column-level lineage in the model, so a workspace that reads any dataset of
//! a transformer's output depends on every input of that transformer. Breadth-first, so each
//! workspace is reported once with its shortest chain; cycles between transformers terminate
//! because every store and workspace is visited at most once.

use super::index::ModelIndex;
use super::{DatasetGroup, Sink, Team, Workspace};
use std::collections::{HashMap, HashSet, VecDeque};

/// A workspace that depends on the queried store or dataset.
#[derive(Debug, Clone)]
pub struct Dependent<'m> {
    pub workspace: &'m Workspace,
    pub team: &'m Team,
    /// Transformer workspaces between the queried element and this workspace, nearest first;
    /// empty for a direct consumer.
    pub via: Vec<&'m str>,
    /// The sinks through which this workspace reads (the queried store for a direct consumer,
    /// the last transformer's output otherwise).
    pub sinks: Vec<(&'m DatasetGroup, &'m Sink)>,
}

impl Dependent<'_> {
    pub fn is_direct(&self) -> bool {
        self.via.is_empty()
    }
}

/// Every workspace that depends on `store`, sorted by workspace name.
pub fn store_dependents<'m>(ix: &ModelIndex<'m>, store: &str) -> Vec<Dependent<'m>> {
    walk(ix, store, None)
}

/// Every workspace that depends on one dataset of `store`, sorted by workspace name.
pub fn dataset_dependents<'m>(
    ix: &ModelIndex<'m>,
    store: &str,
    dataset: &str,
) -> Vec<Dependent<'m>> {
    walk(ix, store, Some(dataset))
}

fn walk<'m>(ix: &ModelIndex<'m>, store: &str, dataset: Option<&str>) -> Vec<Dependent<'m>> {
    let mut out: Vec<Dependent<'m>> = Vec::new();
    let mut seen_ws: HashSet<&'m str> = HashSet::new();
    let mut seen_store: HashSet<String> = HashSet::from([store.to_string()]);
    // (store, dataset filter, chain of transformer workspaces that led here)
    let mut queue: VecDeque<(String, Option<String>, Vec<&'m str>)> = VecDeque::new();
    queue.push_back((store.to_string(), dataset.map(str::to_string), Vec::new()));

    while let Some((store, dataset, via)) = queue.pop_front() {
        let Some(sinks) = ix.consumers.get(store.as_str()) else {
            continue;
        };
        // Group this store's sinks by workspace, keeping model order within a workspace.
        let mut found: Vec<Dependent<'m>> = Vec::new();
        let mut slot: HashMap<&'m str, usize> = HashMap::new();
        for &(ws, dsg, sink) in sinks {
            if dataset.as_deref().is_some_and(|d| d != sink.dataset.value) {
                continue;
            }
            let name = ws.name.value.as_str();
            if let Some(&i) = slot.get(name) {
                found[i].sinks.push((dsg, sink));
                continue;
            }
            // Reported already, through a shorter chain.
            if seen_ws.contains(name) {
                continue;
            }
            let Some(owned) = ix.workspaces.get(name) else {
                continue;
            };
            seen_ws.insert(name);
            slot.insert(name, found.len());
            found.push(Dependent {
                workspace: ws,
                team: owned.team,
                via: via.clone(),
                sinks: vec![(dsg, sink)],
            });
        }
        for d in &found {
            if let Some(t) = &d.workspace.transformer {
                if seen_store.insert(t.output.value.clone()) {
                    let mut chain = via.clone();
                    chain.push(d.workspace.name.value.as_str());
                    queue.push_back((t.output.value.clone(), None, chain));
                }
            }
        }
        out.extend(found);
    }
    out.sort_by(|a, b| a.workspace.name.value.cmp(&b.workspace.name.value));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_files;

    const MODEL: &str = r#"
ecosystem "E" {
  owning_repo = "github:e/eco@main"
  zone "Z" { repo = "github:e/z@main" }
}
governance_zone "Z" {
  team "T" { repo = "github:e/t@main" }
}
team "Z" "T" {
  datastore "Src" {
    dataset "a" {
      column "x" { type = "integer" }
    }
    dataset "b" {
      column "x" { type = "integer" }
    }
  }
  datastore "Mid" {
    dataset "m" {
      column "x" { type = "integer" }
    }
  }
  datastore "Out" {
    dataset "o" {
      column "x" { type = "integer" }
    }
  }
  workspace "T1" {
    container = "platform_managed"
    dsg "in" {
      sink "Src" "a" {}
    }
    dsg "back" {
      sink "Out" "o" {}
    }
    transformer "T1x" {
      output = "Mid"
      code { image = "t1:1" }
    }
  }
  workspace "T2" {
    container = "platform_managed"
    dsg "in" {
      sink "Mid" "m" {}
    }
    transformer "T2x" {
      output = "Out"
      code { image = "t2:1" }
    }
  }
  workspace "Direct" {
    container = "platform_managed"
    dsg "g" {
      sink "Src" "a" {}
      sink "Src" "b" {}
    }
  }
  workspace "End" {
    container = "platform_managed"
    dsg "g" {
      sink "Out" "o" {}
    }
  }
}
"#;

    fn names(deps: &[Dependent]) -> Vec<(String, Vec<String>)> {
        deps.iter()
            .map(|d| {
                (
                    d.workspace.name.value.clone(),
                    d.via.iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn follows_transformer_chains_and_terminates_on_cycles() {
        let loaded = load_files(vec![("m.hcl".into(), MODEL.as_bytes().to_vec())]);
        let codes: Vec<&str> = loaded
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert!(codes.is_empty(), "{codes:?}");
        let ix = ModelIndex::new(&loaded.model);
        let deps = store_dependents(&ix, "Src");
        assert_eq!(
            names(&deps),
            vec![
                ("Direct".to_string(), vec![]),
                ("End".to_string(), vec!["T1".to_string(), "T2".to_string()]),
                ("T1".to_string(), vec![]),
                ("T2".to_string(), vec!["T1".to_string()]),
            ]
        );
        let direct = deps.iter().find(|d| d.workspace.name.value == "Direct");
        assert_eq!(direct.map(|d| d.sinks.len()), Some(2));
    }

    #[test]
    fn a_dataset_query_only_starts_from_its_sinks() {
        let loaded = load_files(vec![("m.hcl".into(), MODEL.as_bytes().to_vec())]);
        let ix = ModelIndex::new(&loaded.model);
        assert_eq!(
            names(&dataset_dependents(&ix, "Src", "b")),
            vec![("Direct".to_string(), vec![])]
        );
        assert!(store_dependents(&ix, "Nope").is_empty());
    }
}
