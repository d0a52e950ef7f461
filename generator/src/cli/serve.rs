//! `dsgen serve`: turns the flags into a model source (a directory, or a git revision to
//! follow with `--watch`), loads and lints it once, and refuses to serve a revision with
//! errors (exit 1 with the diagnostics); otherwise hands it to [`crate::serve`], which serves
//! until SIGTERM or ctrl-c.

use super::{diagnostics_to_stderr, exit};
use std::path::PathBuf;

/// `dsgen serve`: load and lint the revision, exit 1 with the diagnostics when it has errors,
/// else serve it.
pub(super) fn serve_command(
    addr: String,
    model_dir: Option<PathBuf>,
    repo: Option<PathBuf>,
    rev: Option<String>,
    watch: bool,
    poll_ms: u64,
) -> anyhow::Result<u8> {
    use crate::serve::{self, LoadFailure, ModelSource};
    let source = match (repo, rev) {
        (Some(repo), Some(rev)) => ModelSource::Git {
            repo,
            rev,
            model_dir: model_dir
                .map(|d| d.to_string_lossy().into_owned())
                .unwrap_or_else(|| ".".to_string()),
        },
        _ => ModelSource::Dir(model_dir.unwrap_or_else(|| PathBuf::from("."))),
    };
    if poll_ms == 0 {
        eprintln!("dsgen: error: --poll-ms must be at least 1");
        return Ok(exit::USAGE);
    }
    let first = match serve::load(&source, None) {
        Ok(s) => s,
        Err(LoadFailure::Io(msg)) => {
            eprintln!("dsgen: error: {msg}");
            return Ok(exit::USAGE);
        }
        Err(LoadFailure::Rejected {
            revision,
            diagnostics,
            sources,
        }) => {
            diagnostics_to_stderr(&diagnostics, &sources);
            eprintln!("dsgen: error: revision {revision} does not lint clean; not serving it");
            return Ok(exit::REJECTED);
        }
    };
    let opts = serve::Options {
        addr,
        source,
        watch: watch.then(|| std::time::Duration::from_millis(poll_ms)),
    };
    serve::run(opts, first)?;
    Ok(exit::OK)
}
