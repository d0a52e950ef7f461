//! Render targets: one module per `target` of a platform, behind one interface.
//!
//! A [`Target`] turns one platform's intention graph (and the model it came from) into a
//! [`FileTree`] in memory; [`render`] runs the target of every selected platform, nests each tree
//! under `<platform>/`, and returns the whole tree with the manifest's platform list, ready for
//! [`crate::render::write::write_tree`]. Nothing here touches the disk.
//!
//! Targets live in this crate (a separate crate would need the model and the graph, and the
//! binary would need it back: a cycle). Adding one: a module under `target/`, an entry in
//! [`registry`], its settings keys in `schema::settings_keys` with docs under `docs/targets/`.

pub mod kafka_connect;

use crate::broker::Placement;
use crate::diag::Diagnostic;
use crate::graph::{Graphs, PlatformGraph};
use crate::model::index::ModelIndex;
use crate::model::{self, Model, Platform};
use crate::render::tree::FileTree;
use crate::render::write::ManifestPlatform;

/// Everything a target may read to render one platform.
pub struct RenderContext<'a, 'm> {
    pub model: &'m Model,
    pub index: &'a ModelIndex<'m>,
    pub platform: &'m Platform,
    pub graph: &'a PlatformGraph,
    pub placement: &'a Placement<'m>,
}

/// A render backend.
pub trait Target: Sync {
    /// The model's `target` value this backend renders.
    fn target(&self) -> model::Target;
    /// The platform's files, relative to `<out>/<platform>/`, or every problem found (DS5xx).
    fn render(&self, cx: &RenderContext) -> Result<FileTree, Vec<Diagnostic>>;
}

/// What the registry knows of a target.
pub enum Backend {
    /// Rendered by this backend.
    Renders(&'static dyn Target),
    /// Renders nothing, by design (`legacy`: governance only).
    Nothing,
    /// Not built in this dsgen version.
    NotBuilt,
}

/// The backend of a target.
pub fn registry(target: model::Target) -> Backend {
    match target {
        model::Target::KafkaConnect => Backend::Renders(&kafka_connect::KafkaConnect),
        model::Target::Legacy => Backend::Nothing,
        model::Target::Aws
        | model::Target::Azure
        | model::Target::Confluent
        | model::Target::Snowflake => Backend::NotBuilt,
    }
}

/// Why a render did not produce a tree.
#[derive(Debug)]
pub enum RenderError {
    /// The model renders to something invalid (DS5xx), e.g. two names that collide.
    Diagnostics(Vec<Diagnostic>),
    /// A selected platform's target has no backend yet (usage error).
    NotBuilt { platform: String, target: String },
    /// A generated path is unusable (a bug: names are sanitized before they become paths).
    Tree(String),
}

/// Render every platform in `selected` (names, sorted by the caller or not: output is sorted).
/// The model must lint clean. Returns the whole tree (`<platform>/...`) and the manifest's
/// platform list.
pub fn render(
    model: &Model,
    index: &ModelIndex,
    placement: &Placement,
    graphs: &Graphs,
    selected: &[&str],
) -> Result<(FileTree, Vec<ManifestPlatform>), RenderError> {
    let mut platforms: Vec<&str> = selected.to_vec();
    platforms.sort_unstable();
    platforms.dedup();
    // Refuse unbuilt targets before rendering anything.
    for name in &platforms {
        let Some(p) = index.platforms.get(name) else {
            continue;
        };
        if let Backend::NotBuilt = registry(p.target.value) {
            return Err(RenderError::NotBuilt {
                platform: name.to_string(),
                target: p.target.value.as_str().to_string(),
            });
        }
    }
    let mut tree = FileTree::new();
    let mut listed = Vec::new();
    let mut diags = Vec::new();
    for name in platforms {
        let (Some(platform), Some(graph)) = (index.platforms.get(name), graphs.platform(name))
        else {
            continue;
        };
        listed.push(ManifestPlatform {
            platform: name.to_string(),
            target: platform.target.value.as_str().to_string(),
        });
        let Backend::Renders(backend) = registry(platform.target.value) else {
            continue;
        };
        let cx = RenderContext {
            model,
            index,
            platform,
            graph,
            placement,
        };
        match backend.render(&cx) {
            Ok(t) => {
                tree.nest(name, t)
                    .map_err(|e| RenderError::Tree(format!("platform `{name}`: {e}")))?;
            }
            Err(d) => diags.extend(d),
        }
    }
    if diags.is_empty() {
        Ok((tree, listed))
    } else {
        crate::diag::sort(&mut diags, &model.sources);
        diags.dedup();
        Err(RenderError::Diagnostics(diags))
    }
}

/// Render every platform of a model that lints clean whose target has a backend: what the rule
/// fixtures and tests use to reach DS5xx without the CLI.
pub fn render_all(model: &Model) -> Result<(FileTree, Vec<ManifestPlatform>), RenderError> {
    let index = ModelIndex::new(model);
    let placement = crate::broker::place(model, &index).placement;
    let graphs = crate::graph::build(&index, &placement);
    let selected: Vec<&str> = model
        .platforms
        .iter()
        .filter(|p| !matches!(registry(p.target.value), Backend::NotBuilt))
        .map(|p| p.name.value.as_str())
        .collect();
    render(model, &index, &placement, &graphs, &selected)
}
