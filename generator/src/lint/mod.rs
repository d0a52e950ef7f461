//! Model lint: the DS1xx rules over a loaded model, plus placement's DS4xx checks.
//!
//! Each rule lives in its own file under `rules/` with its documented code; `rules::ALL` is the
//! registry. A rule reads the model through the shared [`LintContext`] and pushes diagnostics;
//! it never reads files and never stops the others. Rules run in parallel and their findings are
//! sorted afterwards, so output does not depend on scheduling.

pub mod rules;

use crate::diag::Diagnostic;
use crate::model::index::ModelIndex;
use crate::model::Model;
use rayon::prelude::*;

/// What every rule sees.
pub struct LintContext<'m> {
    pub model: &'m Model,
    pub index: ModelIndex<'m>,
}

/// A lint rule: its documented code and the function that checks it.
pub struct Rule {
    pub code: &'static crate::diag::codes::Code,
    pub check: fn(&LintContext, &mut Vec<Diagnostic>),
}

/// Run every lint rule and placement (DS4xx, `broker`), unsorted; callers sort with
/// `diag::sort`. Placement runs here so that everything that lints a model (`dsgen lint`, the
/// merge gate's lint of head) also checks where its dataset groups run.
pub fn lint(model: &Model) -> Vec<Diagnostic> {
    let cx = LintContext {
        model,
        index: ModelIndex::new(model),
    };
    let (mut diags, placement) = rayon::join(
        || {
            rules::ALL
                .par_iter()
                .flat_map_iter(|rule| {
                    let mut out = Vec::new();
                    (rule.check)(&cx, &mut out);
                    out
                })
                .collect::<Vec<_>>()
        },
        || {
            let outcome = crate::broker::place(model, &cx.index);
            let mut diags = outcome.diagnostics;
            // `batch_image` is required only where the placement gives a platform merge work.
            diags.extend(crate::target::kafka_connect::batch::placement_problems(
                model,
                &cx.index,
                &outcome.placement,
            ));
            diags
        },
    );
    diags.extend(placement);
    diags
}

/// Load a directory, lint it and sort everything: what `dsgen lint` reports.
pub fn load_and_lint(
    dir: &std::path::Path,
) -> Result<(Model, Vec<Diagnostic>), crate::load::LoadError> {
    let loaded = crate::load::load_dir(dir)?;
    Ok(lint_loaded(loaded))
}

/// Lint an already loaded model and merge its load diagnostics, sorted.
pub fn lint_loaded(loaded: crate::load::Loaded) -> (Model, Vec<Diagnostic>) {
    let mut diags = loaded.diagnostics;
    diags.extend(lint(&loaded.model));
    crate::diag::sort(&mut diags, &loaded.model.sources);
    diags.dedup();
    (loaded.model, diags)
}
