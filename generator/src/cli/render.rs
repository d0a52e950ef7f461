//! `dsgen render`, `dsgen graph` and `dsgen deps`: the commands that read one model directory
//! and print or write what it means, not whether it is valid. render writes the selected
//! platforms' files and MANIFEST.json, graph prints the intention graph (optionally focused on
//! one element), deps lists the workspaces that depend on a datastore. All three print the
//! model's diagnostics on stderr, keeping stdout for their own output, and `--timings` phases.

use super::{diagnostics_to_stderr, exit, out, target_flag, verdict, DepsFormat, GraphFormat};
use crate::lint;
use std::path::Path;

/// `dsgen render`.
pub(super) fn render_command(
    dir: &Path,
    target: Option<&str>,
    platform: Option<&str>,
    out_dir: &Path,
    timings: bool,
) -> anyhow::Result<u8> {
    use crate::model::Target;
    use crate::render::write::write_tree;
    use crate::target::{render_model, Backend, RenderError, Selection};
    use std::time::Instant;
    let target = match target_flag(target) {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let start = Instant::now();
    let loaded = crate::load::load_dir(dir)?;
    let (model, diags) = lint::lint_loaded(loaded);
    let t_lint = start.elapsed();
    diagnostics_to_stderr(&diags, &model.sources);
    if verdict(&diags) != exit::OK {
        eprintln!("dsgen: error: the model has errors; nothing was rendered");
        return Ok(exit::REJECTED);
    }
    let t = Instant::now();
    let output = match render_model(
        &model,
        Selection {
            platform,
            target,
            inventory: false,
        },
    ) {
        Ok(r) => r,
        Err(RenderError::Diagnostics(d)) => {
            diagnostics_to_stderr(&d, &model.sources);
            eprintln!("dsgen: error: the model cannot be rendered; nothing was written");
            return Ok(exit::REJECTED);
        }
        Err(e) => {
            eprintln!("dsgen: error: {e}");
            return Ok(exit::USAGE);
        }
    };
    let t_render = t.elapsed();
    let rss_render = rss_mib();
    let t = Instant::now();
    let (tree, manifest) = (&output.tree, &output.manifest);
    write_tree(out_dir, tree, manifest)?;
    let t_write = t.elapsed();
    if timings {
        eprintln!("dsgen: resident after write {:?} MiB", rss_mib());
    }
    let nothing: Vec<&str> = manifest
        .platforms
        .iter()
        .filter(|p| {
            Target::parse(&p.target)
                .is_some_and(|t| matches!(crate::target::registry(t), Backend::Nothing))
        })
        .map(|p| p.platform.as_str())
        .collect();
    eprintln!(
        "dsgen: rendered {} files for {} platforms to {}{}",
        tree.len(),
        manifest.platforms.len(),
        out_dir.display(),
        if nothing.is_empty() {
            String::new()
        } else {
            format!(" ({} render nothing: legacy)", nothing.join(", "))
        }
    );
    if timings {
        eprintln!(
            "dsgen: timings: load+lint {:.3}s, render (placement, graph, targets, manifest) \
             {:.3}s ({} files, resident {} MiB), write {:.3}s",
            t_lint.as_secs_f64(),
            t_render.as_secs_f64(),
            tree.len(),
            rss_render.map_or_else(|| "?".to_string(), |m| m.to_string()),
            t_write.as_secs_f64()
        );
    }
    // The process ends here: freeing a large model and tree allocation by allocation takes
    // noticeable time at scale and gains nothing.
    std::mem::forget(output);
    std::mem::forget(model);
    Ok(exit::OK)
}

/// Resident memory of this process in MiB, where the OS tells (Linux).
fn rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// `dsgen graph`.
pub(super) fn graph_command(
    dir: &Path,
    platform: Option<&str>,
    format: GraphFormat,
    focus: Option<&str>,
    timings: bool,
) -> anyhow::Result<u8> {
    use crate::graph::{self, Element};
    use std::time::Instant;
    let element = match focus.map(Element::parse).transpose() {
        Ok(e) => e,
        Err(msg) => {
            eprintln!("dsgen: error: --focus: {msg}");
            return Ok(exit::USAGE);
        }
    };
    let start = Instant::now();
    let loaded = crate::load::load_dir(dir)?;
    let t_load = start.elapsed();
    let (model, diags) = lint::lint_loaded(loaded);
    let t_lint = start.elapsed() - t_load;
    diagnostics_to_stderr(&diags, &model.sources);
    if verdict(&diags) != exit::OK {
        return Ok(exit::REJECTED);
    }
    let t = Instant::now();
    let ix = crate::model::index::ModelIndex::new(&model);
    let placement = crate::broker::place(&model, &ix).placement;
    let t_place = t.elapsed();
    let t = Instant::now();
    let graphs = graph::build(&ix, &placement);
    let t_graph = t.elapsed();
    let t = Instant::now();
    let mut selected: Vec<&graph::PlatformGraph> = graphs.platforms.iter().collect();
    if let Some(p) = platform {
        match graphs.platform(p) {
            Some(g) => selected = vec![g],
            None => {
                let mut msg = format!("unknown platform `{p}`");
                if let Some(s) = crate::diag::did_you_mean(
                    p,
                    graphs.platforms.iter().map(|g| g.platform.as_str()),
                ) {
                    msg.push_str(&format!("; did you mean `{s}`?"));
                }
                eprintln!("dsgen: error: {msg}");
                return Ok(exit::USAGE);
            }
        }
    }
    let shown: Vec<graph::PlatformGraph> = match &element {
        Some(e) => {
            if let Err(msg) = e.resolve(&ix) {
                eprintln!("dsgen: error: --focus: {msg}");
                return Ok(exit::USAGE);
            }
            let shown: Vec<_> = selected
                .into_iter()
                .filter_map(|g| graph::focus(g, std::slice::from_ref(e)))
                .collect();
            if shown.is_empty() {
                // Say why the output is empty, and where the element does run.
                let elsewhere: Vec<&str> = graphs
                    .platforms
                    .iter()
                    .filter(|g| graph::focus(g, std::slice::from_ref(e)).is_some())
                    .map(|g| g.platform.as_str())
                    .collect();
                let focus = focus.unwrap_or_default();
                if elsewhere.is_empty() {
                    eprintln!("dsgen: note: `{focus}` runs on no platform (nothing places it)");
                } else {
                    eprintln!(
                        "dsgen: note: `{focus}` is not on the selected platform; it runs on: {}",
                        elsewhere.join(", ")
                    );
                }
            }
            shown
        }
        None => selected.into_iter().cloned().collect(),
    };
    let text = match format {
        GraphFormat::Mermaid => graph::to_mermaid(&shown),
        GraphFormat::Dot => graph::to_dot(&shown),
        GraphFormat::Json => serde_json::to_string_pretty(&graph::to_json(&shown))? + "\n",
    };
    let t_render = t.elapsed();
    out(&text)?;
    if timings {
        let nodes: usize = graphs.platforms.iter().map(|g| g.graph.node_count()).sum();
        let edges: usize = graphs.platforms.iter().map(|g| g.graph.edge_count()).sum();
        eprintln!(
            "dsgen: timings: load {:.3}s, lint+placement checks {:.3}s, placement {:.3}s, \
             graph build {:.3}s ({nodes} nodes, {edges} edges), render {:.3}s",
            t_load.as_secs_f64(),
            t_lint.as_secs_f64(),
            t_place.as_secs_f64(),
            t_graph.as_secs_f64(),
            t_render.as_secs_f64()
        );
    }
    Ok(exit::OK)
}

/// `dsgen deps STORE`.
pub(super) fn deps_command(dir: &Path, store: &str, format: DepsFormat) -> anyhow::Result<u8> {
    use crate::model::deps::store_dependents;
    use crate::model::index::ModelIndex;
    let loaded = crate::load::load_dir(dir)?;
    if verdict(&loaded.diagnostics) != exit::OK {
        let mut diags = loaded.diagnostics;
        crate::diag::sort(&mut diags, &loaded.model.sources);
        diagnostics_to_stderr(&diags, &loaded.model.sources);
        return Ok(exit::REJECTED);
    }
    let model = loaded.model;
    let ix = ModelIndex::new(&model);
    if !ix.datastores.contains_key(store) {
        let mut msg = format!("unknown datastore `{store}`");
        if let Some(s) = crate::diag::did_you_mean(store, ix.datastores.keys().copied()) {
            msg.push_str(&format!("; did you mean `{s}`?"));
        }
        eprintln!("dsgen: error: {msg}");
        return Ok(exit::USAGE);
    }
    let deps = store_dependents(&ix, store);
    let text = match format {
        DepsFormat::Json => {
            let list: Vec<serde_json::Value> = deps
                .iter()
                .map(|d| {
                    let sinks: Vec<serde_json::Value> = d
                        .sinks
                        .iter()
                        .map(|(g, s)| {
                            serde_json::json!({
                                "dsg": g.name.value, "store": s.store.value,
                                "dataset": s.dataset.value,
                            })
                        })
                        .collect();
                    serde_json::json!({
                        "workspace": d.workspace.name.value,
                        "zone": d.team.zone.value,
                        "team": d.team.name.value,
                        "priority": d.workspace.priority.value.as_str(),
                        "direct": d.is_direct(),
                        "via": d.via,
                        "sinks": sinks,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({
                "store": store,
                "dependents": list,
            }))? + "\n"
        }
        DepsFormat::Human => {
            let mut text = String::new();
            if deps.is_empty() {
                text.push_str(&format!("no workspace depends on `{store}`\n"));
            }
            for d in &deps {
                let how = if d.is_direct() {
                    "direct".to_string()
                } else {
                    format!("via {}", d.via.join(" -> "))
                };
                let sinks: Vec<String> = d
                    .sinks
                    .iter()
                    .map(|(g, s)| {
                        format!("{}: {}/{}", g.name.value, s.store.value, s.dataset.value)
                    })
                    .collect();
                text.push_str(&format!(
                    "{}  ({}/{}, priority {})  {how}  [{}]\n",
                    d.workspace.name.value,
                    d.team.zone.value,
                    d.team.name.value,
                    d.workspace.priority.value.as_str(),
                    sinks.join(", ")
                ));
            }
            text
        }
    };
    out(&text)?;
    Ok(exit::OK)
}
