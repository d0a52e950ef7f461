//! Render targets: one module per `target` of a platform, behind one interface.
//!
//! A [`Target`] turns one platform's intention graph (and the model it came from) into a
//! [`FileTree`] in memory plus the inventory of what it deploys ([`resource`]); [`render`] runs
//! the target of every selected platform, nests each tree under `<platform>/`, and returns the
//! whole tree, its manifest and the resources; [`render_model`] does the same for a model and a
//! `--platform`/`--target` selection (what `render`, `plan`, `publish` and `verify` share).
//! Nothing here touches the disk: [`crate::render::write::write_tree`] writes a tree.
//!
//! Targets live in this crate (a separate crate would need the model and the graph, and the
//! binary would need it back: a cycle). Adding one: a module under `target/`, an entry in
//! [`registry`], its settings keys in `schema::settings_keys` with docs under `docs/targets/`.

pub mod kafka_connect;
pub mod resource;
pub mod revision;

use crate::broker::Placement;
use crate::diag::Diagnostic;
use crate::graph::{Graphs, PlatformGraph};
use crate::model::index::ModelIndex;
use crate::model::{self, Model, Platform};
use crate::render::tree::FileTree;
use crate::render::write::{Manifest, ManifestPlatform};
use resource::{PlacedResource, Resource};

/// Everything a target may read to render one platform.
pub struct RenderContext<'a, 'm> {
    pub model: &'m Model,
    pub index: &'a ModelIndex<'m>,
    pub platform: &'m Platform,
    pub graph: &'a PlatformGraph,
    pub placement: &'a Placement<'m>,
    /// Whether the caller wants [`Rendered::resources`] (`plan` does, `render` does not: at
    /// scale the inventory costs memory a plain render should not pay).
    pub inventory: bool,
}

/// What a target renders for one platform.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The platform's files, relative to `<out>/<platform>/`.
    pub files: FileTree,
    /// Every object those files deploy, with `file` relative to the platform's directory.
    pub resources: Vec<Resource>,
}

/// A render backend.
pub trait Target: Sync {
    /// The model's `target` value this backend renders.
    fn target(&self) -> model::Target;
    /// The platform's files and resources, or every problem found (DS5xx).
    fn render(&self, cx: &RenderContext) -> Result<Rendered, Vec<Diagnostic>>;
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
    /// `--platform` names no platform of the model.
    UnknownPlatform {
        name: String,
        suggestion: Option<String>,
    },
    /// `--platform` and `--target` select nothing together.
    WrongTarget {
        platform: String,
        has: String,
        wanted: String,
    },
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Diagnostics(d) => {
                write!(f, "the model cannot be rendered ({} problems)", d.len())
            }
            RenderError::NotBuilt { platform, target } => write!(
                f,
                "platform `{platform}` has target `{target}`, which this dsgen version cannot \
                 render yet (built: kafka-connect; legacy renders nothing); select other \
                 platforms with --platform or --target"
            ),
            RenderError::Tree(msg) => write!(f, "internal: {msg}"),
            RenderError::UnknownPlatform { name, suggestion } => {
                write!(f, "unknown platform `{name}`")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            RenderError::WrongTarget {
                platform,
                has,
                wanted,
            } => write!(
                f,
                "platform `{platform}` has target `{has}`, not `{wanted}`"
            ),
        }
    }
}

/// A whole render in memory: the tree (`<platform>/...`), its manifest and its resources.
#[derive(Debug)]
pub struct Output {
    pub tree: FileTree,
    pub manifest: Manifest,
    /// Sorted by platform, kind and name; `file` is relative to the render's root.
    pub resources: Vec<PlacedResource>,
}

impl Output {
    /// Every file of the render as written to `--out`, `MANIFEST.json` included, sorted by path.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(String, Vec<u8>)> = self
            .tree
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect();
        out.push((
            crate::render::write::MANIFEST.to_string(),
            self.manifest.to_bytes(),
        ));
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// `--platform` and `--target` of `render`, `plan`, `publish`: every platform when both are
/// absent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection<'a> {
    pub platform: Option<&'a str>,
    pub target: Option<model::Target>,
    /// List the resources of the render ([`Output::resources`]); empty otherwise.
    pub inventory: bool,
}

/// Render the platforms `selection` picks from a model that lints clean (callers lint first:
/// a model with errors is never rendered). Unbuilt targets are refused only when selected.
pub fn render_model(model: &Model, selection: Selection) -> Result<Output, RenderError> {
    let index = ModelIndex::new(model);
    if let Some(p) = selection.platform {
        if !index.platforms.contains_key(p) {
            return Err(RenderError::UnknownPlatform {
                name: p.to_string(),
                suggestion: crate::diag::did_you_mean(
                    p,
                    model.platforms.iter().map(|p| p.name.value.as_str()),
                )
                .map(str::to_string),
            });
        }
    }
    let selected: Vec<&str> = model
        .platforms
        .iter()
        .filter(|p| selection.platform.is_none_or(|name| p.name.value == name))
        .filter(|p| selection.target.is_none_or(|t| p.target.value == t))
        .map(|p| p.name.value.as_str())
        .collect();
    if let (Some(p), Some(t), true) = (selection.platform, selection.target, selected.is_empty()) {
        return Err(RenderError::WrongTarget {
            platform: p.to_string(),
            has: index.platforms[p].target.value.as_str().to_string(),
            wanted: t.as_str().to_string(),
        });
    }
    // The model's digest streams the whole canonical model through SHA-256 on one core: it
    // runs beside placement, graphs and the targets instead of after them.
    let (rendered, digest) = rayon::join(
        || {
            let placement = crate::broker::place(model, &index).placement;
            let graphs = crate::graph::build(&index, &placement);
            render(
                model,
                &index,
                &placement,
                &graphs,
                &selected,
                selection.inventory,
            )
        },
        || crate::render::model_digest(model),
    );
    let (tree, platforms, resources) = rendered?;
    let manifest = Manifest::of(&tree, digest, platforms);
    Ok(Output {
        tree,
        manifest,
        resources,
    })
}

/// What [`render`] returns: the tree, the manifest's platform list and the resources.
pub type Parts = (FileTree, Vec<ManifestPlatform>, Vec<PlacedResource>);

/// Render every platform in `selected` (names, sorted by the caller or not: output is sorted).
/// The model must lint clean. Returns the whole tree (`<platform>/...`), the manifest's
/// platform list and the resources (sorted by platform, kind, name).
pub fn render(
    model: &Model,
    index: &ModelIndex,
    placement: &Placement,
    graphs: &Graphs,
    selected: &[&str],
    inventory: bool,
) -> Result<Parts, RenderError> {
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
    let mut resources = Vec::new();
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
            inventory,
        };
        match backend.render(&cx) {
            Ok(rendered) => {
                tree.nest(name, rendered.files)
                    .map_err(|e| RenderError::Tree(format!("platform `{name}`: {e}")))?;
                let target = platform.target.value.as_str();
                resources.extend(rendered.resources.into_iter().map(|mut r| {
                    r.file = format!("{name}/{}", r.file);
                    PlacedResource {
                        platform: name.to_string(),
                        target: target.to_string(),
                        resource: r,
                    }
                }));
            }
            Err(d) => diags.extend(d),
        }
    }
    resources.sort_by(|a, b| {
        (&a.platform, a.resource.kind, &a.resource.name).cmp(&(
            &b.platform,
            b.resource.kind,
            &b.resource.name,
        ))
    });
    if diags.is_empty() {
        Ok((tree, listed, resources))
    } else {
        crate::diag::sort(&mut diags, &model.sources);
        diags.dedup();
        Err(RenderError::Diagnostics(diags))
    }
}

/// Render every platform of a model that lints clean whose target has a backend: what the rule
/// fixtures and tests use to reach DS5xx without the CLI.
pub fn render_all(model: &Model) -> Result<Parts, RenderError> {
    let index = ModelIndex::new(model);
    let placement = crate::broker::place(model, &index).placement;
    let graphs = crate::graph::build(&index, &placement);
    let selected: Vec<&str> = model
        .platforms
        .iter()
        .filter(|p| !matches!(registry(p.target.value), Backend::NotBuilt))
        .map(|p| p.name.value.as_str())
        .collect();
    render(model, &index, &placement, &graphs, &selected, true)
}
