//! Reading and rendering the two revisions of a plan: the model files of both commits read
//! with git2 in one pass (a blob both share is inflated once), loaded together (a file both
//! share is parsed once, `load::load_pair`), then linted and rendered side by side
//! (`rayon::join`), with the resource inventory.
//!
//! Which platforms are planned: those `--platform`/`--target` select (every platform when both
//! are absent) in either revision. Without a selection, a platform whose target has no backend
//! in this dsgen version is left out and listed in [`super::Plan::not_planned`]; selecting one
//! explicitly is a usage error, as in `dsgen render`.

use super::{compare, NotPlanned, Plan, Planned, RevisionInfo, Side};
use crate::check::git::{self, GitError};
use crate::diag::Diagnostic;
use crate::model::index::ModelIndex;
use crate::model::{self, Model};
use crate::target::{self, Backend, RenderError};
use git2::{Oid, Repository};
use std::collections::BTreeMap;

/// What to plan.
#[derive(Debug, Clone)]
pub struct Request {
    pub base: String,
    pub head: String,
    /// The model's directory inside the repository (`""` or `.` for its root).
    pub model_dir: String,
    pub platform: Option<String>,
    pub target: Option<model::Target>,
    /// Draw the changed elements' sub-graphs (for the Markdown summary).
    pub draw: bool,
}

/// Why there is no plan.
pub enum PlanError {
    /// Reading git failed (DS9xx).
    Git(GitError),
    /// Arguments that select nothing or something unbuildable, a missing model at head.
    Usage(String),
    /// A revision's model has errors, or lints clean but cannot be rendered (DS5xx); the
    /// model carries the sources the diagnostics point into.
    Rejected {
        /// `base` or `head`.
        side: &'static str,
        commit: Oid,
        model: Box<Model>,
        diagnostics: Vec<Diagnostic>,
    },
}

impl From<GitError> for PlanError {
    fn from(e: GitError) -> PlanError {
        PlanError::Git(e)
    }
}

/// The phases' timings (with `DSGEN_TIMINGS`, as `dsgen check`).
fn phase(name: &str, since: std::time::Instant) {
    crate::check::phase(name, since);
}

/// Plan `request` in `repo`: resolve both revisions, render them and compare.
pub fn plan(repo: &Repository, request: &Request) -> Result<Plan, PlanError> {
    let t = std::time::Instant::now();
    let head = git::resolve(repo, &request.head)?;
    let base = git::resolve(repo, &request.base)?;
    let (base_files, head_files) = git::model_files_pair(repo, base, head, &request.model_dir)?;
    let Some(head_files) = head_files.filter(|f| !f.is_empty()) else {
        return Err(PlanError::Usage(format!(
            "there is no model under `{}` at the head revision `{}` ({head}): no *.hcl or \
             *.hcl.json files",
            request.model_dir, request.head
        )));
    };
    let base_files = base_files.filter(|f| !f.is_empty());
    phase("read both revisions from git", t);

    let t = std::time::Instant::now();
    let (base_loaded, head_loaded) = match base_files {
        Some(b) => {
            let pair = crate::load::load_pair(b, head_files);
            (Some(pair.base), pair.head)
        }
        None => (None, crate::load::load_files(head_files)),
    };
    phase("load both revisions", t);

    let t = std::time::Instant::now();
    let (base_linted, (head_model, head_diags)) = rayon::join(
        || base_loaded.map(crate::lint::lint_loaded),
        || crate::lint::lint_loaded(head_loaded),
    );
    phase("lint both revisions", t);
    if head_diags.iter().any(Diagnostic::is_error) {
        return Err(PlanError::Rejected {
            side: "head",
            commit: head,
            model: Box::new(head_model),
            diagnostics: head_diags,
        });
    }
    let base_model = match base_linted {
        Some((m, d)) if d.iter().any(Diagnostic::is_error) => {
            return Err(PlanError::Rejected {
                side: "base",
                commit: base,
                model: Box::new(m),
                diagnostics: d,
            })
        }
        Some((m, _)) => Some(m),
        None => None,
    };

    let (planned, not_planned) = select(base_model.as_ref(), &head_model, request)?;
    let names: Vec<&str> = planned.iter().map(|p| p.platform.as_str()).collect();

    let t = std::time::Instant::now();
    let (base_side, head_side) = rayon::join(
        || base_model.map(|m| render_side(m, &names)),
        || render_side(head_model, &names),
    );
    phase("render both revisions", t);
    let head_side = head_side.map_err(|(model, e)| rejected("head", head, model, e))?;
    let base_side = base_side
        .transpose()
        .map_err(|(model, e)| rejected("base", base, model, e))?;

    let t = std::time::Instant::now();
    let (platforms, changed_elements) = compare(base_side.as_ref(), &head_side, &planned);
    phase("compare", t);
    let drawings = request.draw.then(|| {
        let t = std::time::Instant::now();
        let (base, head) = rayon::join(
            || match &base_side {
                Some(b) => super::report::drawing(&b.graphs, &changed_elements.base, &names),
                None => super::report::Drawing::Nothing,
            },
            || super::report::drawing(&head_side.graphs, &changed_elements.head, &names),
        );
        phase("draw the changed elements", t);
        super::report::Drawings { head, base }
    });
    let base_has_model = base_side.is_some();
    // Freeing two rendered 100k-dataset models takes about a second; the plan no longer needs
    // them, so they are dropped on another thread (a CLI process exits without waiting).
    std::thread::spawn(move || drop((base_side, head_side)));
    Ok(Plan {
        base: RevisionInfo {
            rev: request.base.clone(),
            commit: base.to_string(),
            model: base_has_model,
        },
        head: RevisionInfo {
            rev: request.head.clone(),
            commit: head.to_string(),
            model: true,
        },
        platforms,
        not_planned,
        changed_elements,
        drawings,
    })
}

fn rejected(side: &'static str, commit: Oid, model: Box<Model>, e: RenderError) -> PlanError {
    match e {
        RenderError::Diagnostics(diagnostics) => PlanError::Rejected {
            side,
            commit,
            model,
            diagnostics,
        },
        other => PlanError::Usage(format!("{side} revision: {other}")),
    }
}

/// Render `platforms` of a model that lints clean, with the inventory, keeping the model.
fn render_side(model: Model, platforms: &[&str]) -> Result<Side, (Box<Model>, RenderError)> {
    let result = {
        let index = ModelIndex::new(&model);
        let placement = crate::broker::place(&model, &index).placement;
        let graphs = crate::graph::build(&index, &placement);
        // A platform of the selection that this revision lacks renders nothing.
        let present: Vec<&str> = platforms
            .iter()
            .copied()
            .filter(|p| index.platforms.contains_key(p))
            .collect();
        target::render(&model, &index, &placement, &graphs, &present, true)
            .map(|(tree, _, resources)| (tree, resources, graphs))
    };
    match result {
        Ok((tree, resources, graphs)) => Ok(Side {
            model,
            tree,
            resources,
            graphs,
        }),
        Err(e) => Err((Box::new(model), e)),
    }
}

/// The platforms to plan (name and target) and those left out, from both revisions.
fn select(
    base: Option<&Model>,
    head: &Model,
    request: &Request,
) -> Result<(Vec<Planned>, Vec<NotPlanned>), PlanError> {
    // name -> (target in base, target in head)
    let mut all: BTreeMap<&str, (Option<model::Target>, Option<model::Target>)> = BTreeMap::new();
    for p in base.map(|m| &m.platforms[..]).unwrap_or(&[]) {
        all.entry(&p.name.value).or_default().0 = Some(p.target.value);
    }
    for p in &head.platforms {
        all.entry(&p.name.value).or_default().1 = Some(p.target.value);
    }
    if let Some(name) = &request.platform {
        if !all.contains_key(name.as_str()) {
            let mut msg = format!("unknown platform `{name}` (in both revisions)");
            if let Some(s) = crate::diag::did_you_mean(name, all.keys().copied()) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            }
            return Err(PlanError::Usage(msg));
        }
    }
    let explicit = request.platform.is_some() || request.target.is_some();
    let mut planned = Vec::new();
    let mut not_planned = Vec::new();
    for (name, (in_base, in_head)) in all {
        if request.platform.as_deref().is_some_and(|p| p != name) {
            continue;
        }
        let shown = in_head.or(in_base).map(|t| t.as_str()).unwrap_or_default();
        if let Some(t) = request.target {
            if in_head != Some(t) && in_base != Some(t) {
                if request.platform.is_some() {
                    return Err(PlanError::Usage(format!(
                        "platform `{name}` has target `{shown}`, not `{}`",
                        t.as_str()
                    )));
                }
                continue;
            }
        }
        let unbuilt: Vec<model::Target> = [in_base, in_head]
            .into_iter()
            .flatten()
            .filter(|t| matches!(target::registry(*t), Backend::NotBuilt))
            .collect();
        if let Some(t) = unbuilt.first() {
            let reason = format!(
                "target `{}` cannot be rendered by this dsgen version (built: kafka-connect; \
                 legacy renders nothing)",
                t.as_str()
            );
            if explicit {
                return Err(PlanError::Usage(format!("platform `{name}`: {reason}")));
            }
            not_planned.push(NotPlanned {
                platform: name.to_string(),
                target: shown.to_string(),
                reason,
            });
            continue;
        }
        planned.push(Planned {
            platform: name.to_string(),
            target: shown.to_string(),
        });
    }
    if planned.is_empty() && explicit {
        return Err(PlanError::Usage(
            "--platform/--target select no platform of either revision".to_string(),
        ));
    }
    Ok((planned, not_planned))
}
