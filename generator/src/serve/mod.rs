//! `dsgen serve`: the read-only REST API over one reviewed model revision (DESIGN.md "REST API",
//! docs/serve.md).
//!
//! The served revision is an immutable [`snapshot::Snapshot`] behind an `ArcSwap`: a request
//! takes the current one once and answers from it alone. With `--watch` a background task polls
//! the branch; a new commit is loaded and linted off the request path and swapped in only when
//! it lints without errors, so in-flight requests finish on the old revision and a bad commit
//! never replaces a good one (it is reported at `/health` and in the log instead).

pub mod api;
pub mod query;
pub mod snapshot;
pub mod views;

use crate::diag::Diagnostic;
use crate::source::SourceMap;
use api::ReloadError;
use arc_swap::ArcSwap;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use snapshot::Snapshot;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 64 * 1024;
/// A request taking longer is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the served model comes from.
#[derive(Debug, Clone)]
pub enum ModelSource {
    /// A model directory; the revision is `sha256:` + the hash of the canonical model.
    Dir(PathBuf),
    /// A revision of a git repository (read from the object database, no checkout).
    Git {
        repo: PathBuf,
        rev: String,
        /// The model directory inside the repository.
        model_dir: String,
    },
}

/// Why a revision cannot be served.
#[derive(Debug)]
pub enum LoadFailure {
    /// I/O or git failure (exit 2 at start-up).
    Io(String),
    /// The model has errors (exit 1 at start-up): the revision, every diagnostic and the
    /// sources to render them.
    Rejected {
        revision: String,
        diagnostics: Vec<Diagnostic>,
        sources: SourceMap,
    },
}

impl LoadFailure {
    /// One-line summary: the failure, or each error diagnostic as `file:line: CODE message`.
    pub fn summary(&self) -> String {
        match self {
            LoadFailure::Io(m) => m.clone(),
            LoadFailure::Rejected {
                diagnostics,
                sources,
                ..
            } => diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| {
                    let view = views::diagnostic(d, sources);
                    match (view.file, view.line) {
                        (Some(f), Some(l)) => format!("{f}:{l}: {} {}", d.code, d.message),
                        _ => format!("{} {}", d.code, d.message),
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

/// A directory's revision: `sha256:` + the SHA-256 of the model's canonical text
/// (`model::canonical::canonical_text`), the same digest a render records as `model_digest`;
/// streamed team by team, so the whole canonical value is never held in memory.
pub fn content_revision(model: &crate::model::Model) -> String {
    format!("sha256:{}", crate::render::model_digest(model))
}

/// Build a snapshot from loaded model files, or reject them.
fn snapshot_of(
    revision: Option<String>,
    loaded: crate::load::Loaded,
) -> Result<Snapshot, LoadFailure> {
    let (model, diags) = crate::lint::lint_loaded(loaded);
    let revision = revision.unwrap_or_else(|| content_revision(&model));
    if diags.iter().any(Diagnostic::is_error) {
        return Err(LoadFailure::Rejected {
            revision,
            diagnostics: diags,
            sources: model.sources.clone(),
        });
    }
    Ok(Snapshot::new(revision, model, &diags))
}

/// The commit a git source names now.
pub fn resolve_commit(repo: &std::path::Path, rev: &str) -> Result<git2::Oid, LoadFailure> {
    let r = crate::check::git::open(repo).map_err(|e| LoadFailure::Io(e.to_string()))?;
    crate::check::git::resolve(&r, rev).map_err(|e| LoadFailure::Io(e.to_string()))
}

/// Load and lint a source (at a given commit for git).
pub fn load(source: &ModelSource, commit: Option<git2::Oid>) -> Result<Snapshot, LoadFailure> {
    match source {
        ModelSource::Dir(dir) => {
            let loaded = crate::load::load_dir(dir).map_err(|e| LoadFailure::Io(e.to_string()))?;
            snapshot_of(None, loaded)
        }
        ModelSource::Git {
            repo,
            rev,
            model_dir,
        } => {
            let r = crate::check::git::open(repo).map_err(|e| LoadFailure::Io(e.to_string()))?;
            let oid = match commit {
                Some(c) => c,
                None => crate::check::git::resolve(&r, rev)
                    .map_err(|e| LoadFailure::Io(e.to_string()))?,
            };
            let files = crate::check::git::model_files(&r, oid, model_dir)
                .map_err(|e| LoadFailure::Io(e.to_string()))?
                .ok_or_else(|| {
                    LoadFailure::Io(format!(
                        "there is no model directory `{model_dir}` at {oid}"
                    ))
                })?;
            snapshot_of(Some(oid.to_string()), crate::load::load_files(files))
        }
    }
}

/// Shared by every request: the served snapshot and the reload status.
pub struct AppState {
    current: ArcSwap<Snapshot>,
    status: Mutex<ReloadStatus>,
}

#[derive(Default)]
struct ReloadStatus {
    watching: Option<String>,
    last_error: Option<ReloadError>,
}

impl AppState {
    pub fn new(snapshot: Snapshot, watching: Option<String>) -> Arc<AppState> {
        Arc::new(AppState {
            current: ArcSwap::from_pointee(snapshot),
            status: Mutex::new(ReloadStatus {
                watching,
                last_error: None,
            }),
        })
    }

    /// The snapshot a request answers from.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// (branch watched, last reload error)
    pub fn reload_status(&self) -> (Option<String>, Option<ReloadError>) {
        let s = self.status.lock().unwrap_or_else(|p| p.into_inner());
        (s.watching.clone(), s.last_error.clone())
    }

    /// Serve a new revision; clears the reload error.
    pub fn swap(&self, snapshot: Snapshot) {
        self.current.store(Arc::new(snapshot));
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last_error = None;
    }

    pub fn reject(&self, revision: String, message: String) {
        let at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last_error = Some(ReloadError {
            revision,
            message,
            at,
        });
    }
}

/// One access-log line per request, and the revision header on answers that lack it
/// (rejections produced before a handler ran).
async fn access_log(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let mut resp = next.run(req).await;
    if !resp.headers().contains_key(api::REVISION_HEADER) {
        if let Ok(v) = axum::http::HeaderValue::from_str(&st.snapshot().revision) {
            resp.headers_mut().insert(api::REVISION_HEADER, v);
        }
    }
    tracing::info!(
        target: "dsgen::access",
        method = %method,
        path = %path,
        status = resp.status().as_u16(),
        latency_us = start.elapsed().as_micros() as u64,
        "request"
    );
    resp
}

async fn not_found(State(st): State<Arc<AppState>>) -> Response {
    api::error(StatusCode::NOT_FOUND, &st.snapshot(), "no such route")
}

/// The whole service: routes, `/openapi.json`, limits, timeouts, panic catching, access log.
pub fn router(state: Arc<AppState>) -> axum::Router {
    let (routes, doc) = api::routes();
    let doc = Arc::new(doc.to_pretty_json().unwrap_or_else(|_| "{}".to_string()));
    let routes = routes
        .route(
            "/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        doc.as_str().to_string(),
                    )
                }
            }),
        )
        .fallback(not_found);
    harden(routes, state, REQUEST_TIMEOUT)
}

/// The layers every route gets: body limit, timeout (408), a panicking handler turned into a
/// JSON 500 (the server keeps running), the access log and the revision header.
pub fn harden(
    routes: axum::Router<Arc<AppState>>,
    state: Arc<AppState>,
    timeout: Duration,
) -> axum::Router {
    use tower_http::catch_panic::CatchPanicLayer;
    use tower_http::timeout::TimeoutLayer;
    routes
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                r#"{"error":"internal error","revision":null}"#,
            )
                .into_response()
        }))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access_log,
        ))
        .with_state(state)
}

/// `dsgen serve` options.
#[derive(Debug, Clone)]
pub struct Options {
    pub addr: String,
    pub source: ModelSource,
    /// Poll interval of `--watch` (git sources only).
    pub watch: Option<Duration>,
}

/// Follow the branch: load each new commit off the request path, swap it in when it lints
/// clean, report it otherwise. A commit is tried once.
async fn watch(state: Arc<AppState>, source: ModelSource, every: Duration, first: git2::Oid) {
    let ModelSource::Git { repo, rev, .. } = source.clone() else {
        return;
    };
    let mut last_seen = first;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let (repo2, rev2) = (repo.clone(), rev.clone());
        let oid = match tokio::task::spawn_blocking(move || resolve_commit(&repo2, &rev2)).await {
            Ok(Ok(oid)) => oid,
            Ok(Err(e)) => {
                tracing::warn!("watch: cannot resolve `{rev}`: {}", e.summary());
                continue;
            }
            Err(_) => continue,
        };
        if oid == last_seen {
            continue;
        }
        last_seen = oid;
        tracing::info!("watch: loading {oid}");
        let src = source.clone();
        let started = Instant::now();
        match tokio::task::spawn_blocking(move || load(&src, Some(oid))).await {
            Ok(Ok(snap)) => {
                tracing::info!(
                    "watch: serving {oid} (loaded and linted in {:.2}s)",
                    started.elapsed().as_secs_f64()
                );
                state.swap(snap);
            }
            Ok(Err(e)) => {
                let msg = e.summary();
                tracing::error!(
                    "watch: rejected {oid}, still serving the last good revision: {msg}"
                );
                state.reject(oid.to_string(), msg);
            }
            Err(e) => {
                tracing::error!("watch: loading {oid} failed: {e}");
                state.reject(oid.to_string(), format!("loading failed: {e}"));
            }
        }
    }
}

/// Serve until SIGTERM or ctrl-c. The snapshot is already loaded and lint-clean. Prints
/// `listening on ADDR` on stdout once bound.
pub fn run(opts: Options, first: Snapshot) -> anyhow::Result<()> {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DSGEN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(false)
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let watching = match (&opts.source, opts.watch) {
            (ModelSource::Git { rev, .. }, Some(_)) => Some(rev.clone()),
            _ => None,
        };
        let first_commit = match &opts.source {
            ModelSource::Git { .. } => first.revision.parse::<git2::Oid>().ok(),
            ModelSource::Dir(_) => None,
        };
        let revision = first.revision.clone();
        let state = AppState::new(first, watching);
        if let (Some(every), Some(oid)) = (opts.watch, first_commit) {
            tokio::spawn(watch(state.clone(), opts.source.clone(), every, oid));
        }
        let listener = tokio::net::TcpListener::bind(&opts.addr).await?;
        let addr = listener.local_addr()?;
        {
            use std::io::Write;
            let mut out = std::io::stdout();
            writeln!(out, "listening on {addr}")?;
            out.flush()?;
        }
        tracing::info!("serving revision {revision} on http://{addr}");
        axum::serve(listener, router(state))
            .with_graceful_shutdown(shutdown())
            .await?;
        tracing::info!("shut down");
        Ok(())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
