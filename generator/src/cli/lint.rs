//! `dsgen lint`: loads and lints one model directory and prints every diagnostic, sorted, in
//! the asked format (with the path prefix and colour the flags ask for); exit 1 when any is
//! an error. In the human format an all-clear also says on stderr how many files were read.

use super::{out, render_diagnostics, use_color, verdict, Color, Format};
use crate::diag::render;
use crate::lint;
use std::path::Path;

/// `dsgen lint`.
pub(super) fn lint_command(
    dir: &Path,
    format: Format,
    path_prefix: String,
    color: Color,
) -> anyhow::Result<u8> {
    let (model, diags) = lint::load_and_lint(dir)?;
    let opts = render::Options {
        path_prefix,
        color: use_color(color),
    };
    out(&render_diagnostics(
        &diags,
        &model.sources,
        &opts,
        format,
        "dsgen lint",
    ))?;
    if format == Format::Human && diags.is_empty() {
        let files = model.sources.files().count();
        eprintln!("dsgen: {files} file(s) checked, no problems found");
    }
    Ok(verdict(&diags))
}
