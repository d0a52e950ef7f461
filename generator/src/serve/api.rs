//! The HTTP handlers and the router. Every handler takes the current snapshot once (an `Arc`,
//! so a reload never changes a request half-way) and names its revision in the body's
//! `revision` field and the `X-Dsgen-Revision` header. Input never reaches the file system: a
//! name is only ever compared with the snapshot's sorted lists.

use super::query;
use super::snapshot::{Counts, Snapshot};
use super::views::*;
use super::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const REVISION_HEADER: &str = "x-dsgen-revision";
/// Page size when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 100;
/// Largest `limit` accepted.
pub const MAX_LIMIT: i64 = 1000;

type St = State<Arc<AppState>>;

/// Serialize `body` as the response, naming `revision` in the header.
pub fn json_response<T: Serialize>(status: StatusCode, revision: &str, body: &T) -> Response {
    let bytes = match serde_json::to_vec(body) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!("cannot serialize a response: {e}");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"error":"internal error","revision":null}"#,
            )
                .into_response();
        }
    };
    let mut resp = (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response();
    if let Ok(v) = HeaderValue::from_str(revision) {
        resp.headers_mut().insert(REVISION_HEADER, v);
    }
    resp
}

/// Every error response: a message and the revision it was answered from.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
    pub revision: Option<String>,
}

pub fn error(status: StatusCode, snap: &Snapshot, message: impl Into<String>) -> Response {
    json_response(
        status,
        &snap.revision,
        &ErrorBody {
            error: message.into(),
            revision: Some(snap.revision.clone()),
        },
    )
}

fn not_found(snap: &Snapshot, what: &str, name: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        snap,
        format!("no {what} `{name}` in revision {}", snap.revision),
    )
}

/// `?limit=&offset=`: lists are sorted by name (zone then team for teams, store then dataset
/// for datasets); `limit` defaults to 100 and is at most 1000.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Pagination {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i32>,
    /// Items to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i32>,
}

fn pagination(
    snap: &Snapshot,
    q: Result<Query<Pagination>, QueryRejection>,
) -> Result<(usize, usize), Box<Response>> {
    let Query(p) = q.map_err(|e| Box::new(error(StatusCode::BAD_REQUEST, snap, e.body_text())))?;
    let limit = p.limit.map_or(DEFAULT_LIMIT, i64::from);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            snap,
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )));
    }
    let offset = match usize::try_from(p.offset.unwrap_or(0)) {
        Ok(o) => o,
        Err(_) => {
            return Err(Box::new(error(
                StatusCode::BAD_REQUEST,
                snap,
                "offset must not be negative",
            )))
        }
    };
    Ok((offset, limit as usize))
}

macro_rules! list_type {
    ($name:ident, $item:ty) => {
        /// One page of a sorted list.
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub revision: String,
            /// Number of items in the whole list.
            pub total: usize,
            pub offset: usize,
            pub limit: usize,
            pub items: Vec<$item>,
        }
    };
}
list_type!(ZoneList, ZoneView);
list_type!(TeamList, TeamView);
list_type!(DatastoreList, DatastoreView);
list_type!(DatasetList, DatasetView);
list_type!(WorkspaceList, WorkspaceView);
list_type!(PlatformList, PlatformView);
list_type!(DiagnosticList, DiagnosticView);

macro_rules! item_type {
    ($name:ident, $field:ident, $item:ty) => {
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub revision: String,
            pub $field: $item,
        }
    };
}
item_type!(ZoneResponse, zone, ZoneView);
item_type!(TeamResponse, team, TeamView);
item_type!(DatastoreResponse, datastore, DatastoreView);
item_type!(DatasetResponse, dataset, DatasetView);
item_type!(WorkspaceResponse, workspace, WorkspaceView);
item_type!(PlatformResponse, platform, PlatformView);

/// The workspaces that depend on a datastore (`dsgen deps`).
#[derive(Debug, Serialize, ToSchema)]
pub struct DependenciesResponse {
    pub revision: String,
    pub store: String,
    /// Sorted by workspace name.
    pub dependencies: Vec<DependentView>,
}

/// One platform's intention graph.
#[derive(Debug, Serialize, ToSchema)]
pub struct GraphResponse {
    pub revision: String,
    pub platform: String,
    /// `dsgen graph --format json --platform P`: `{"version", "platforms": [one graph]}`, see
    /// docs/graph.md.
    #[schema(value_type = Object)]
    pub graph: Arc<serde_json::value::RawValue>,
}

/// The last revision that failed to load (it is not served).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReloadError {
    /// The rejected commit.
    pub revision: String,
    /// Why: git failure, or the model's error diagnostics (`file:line: CODE message`).
    pub message: String,
    /// Seconds since the Unix epoch.
    pub at: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the newest revision of the watched branch was rejected (the
    /// last good revision keeps serving).
    pub status: String,
    pub revision: String,
    pub counts: Counts,
    /// The branch followed with `--watch`.
    pub watching: Option<String>,
    pub last_reload_error: Option<ReloadError>,
}

#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, description = "The served revision", body = Health, headers(("X-Dsgen-Revision" = String, description = "The revision answered from")))))]
async fn health(State(st): St) -> Response {
    let snap = st.snapshot();
    let (watching, last) = st.reload_status();
    let body = Health {
        status: if last.is_some() { "degraded" } else { "ok" }.to_string(),
        revision: snap.revision.clone(),
        counts: snap.counts(),
        watching,
        last_reload_error: last,
    };
    json_response(StatusCode::OK, &snap.revision, &body)
}

macro_rules! list_handler {
    ($fn:ident, $path:literal, $tag:literal, $list:ident, $count:ident, $page:ident) => {
        #[utoipa::path(get, path = $path, tag = $tag, params(Pagination), responses(
                            (status = 200, description = "One page, sorted by name", body = $list, headers(("X-Dsgen-Revision" = String, description = "The revision answered from"))),
                            (status = 400, description = "Bad limit or offset", body = ErrorBody),
                        ))]
        async fn $fn(State(st): St, q: Result<Query<Pagination>, QueryRejection>) -> Response {
            let snap = st.snapshot();
            let (offset, limit) = match pagination(&snap, q) {
                Ok(p) => p,
                Err(resp) => return *resp,
            };
            let body = $list {
                revision: snap.revision.clone(),
                total: snap.$count(),
                offset,
                limit,
                items: snap.$page(offset, limit),
            };
            json_response(StatusCode::OK, &snap.revision, &body)
        }
    };
}
list_handler!(
    list_zones,
    "/api/v1/zones",
    "zones",
    ZoneList,
    zone_count,
    zones_page
);
list_handler!(
    list_teams,
    "/api/v1/teams",
    "teams",
    TeamList,
    team_count,
    teams_page
);
list_handler!(
    list_datastores,
    "/api/v1/datastores",
    "datastores",
    DatastoreList,
    datastore_count,
    datastores_page
);
list_handler!(
    list_datasets,
    "/api/v1/datasets",
    "datasets",
    DatasetList,
    dataset_count,
    datasets_page
);
list_handler!(
    list_workspaces,
    "/api/v1/workspaces",
    "workspaces",
    WorkspaceList,
    workspace_count,
    workspaces_page
);
list_handler!(
    list_platforms,
    "/api/v1/platforms",
    "platforms",
    PlatformList,
    platform_count,
    platforms_page
);

#[utoipa::path(get, path = "/api/v1/diagnostics", tag = "diagnostics", params(Pagination),
    responses(
        (status = 200, description = "Warnings and infos of the served revision, in report order", body = DiagnosticList, headers(("X-Dsgen-Revision" = String, description = "The revision answered from"))),
        (status = 400, description = "Bad limit or offset", body = ErrorBody),
    ))]
async fn diagnostics(State(st): St, q: Result<Query<Pagination>, QueryRejection>) -> Response {
    let snap = st.snapshot();
    let (offset, limit) = match pagination(&snap, q) {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    let start = offset.min(snap.diagnostics.len());
    let end = start.saturating_add(limit).min(snap.diagnostics.len());
    let body = DiagnosticList {
        revision: snap.revision.clone(),
        total: snap.diagnostics.len(),
        offset,
        limit,
        items: snap.diagnostics[start..end].to_vec(),
    };
    json_response(StatusCode::OK, &snap.revision, &body)
}

/// Path segments, or a 400 answer.
fn segments<T>(snap: &Snapshot, p: Result<Path<T>, PathRejection>) -> Result<T, Box<Response>> {
    p.map(|Path(t)| t)
        .map_err(|e| Box::new(error(StatusCode::BAD_REQUEST, snap, e.body_text())))
}

macro_rules! item_handler {
    ($fn:ident, $path:literal, $tag:literal, $param:literal, $what:literal, $resp:ident, $field:ident, $get:ident) => {
        #[utoipa::path(get, path = $path, tag = $tag,
                            params(($param = String, Path, description = "Name, percent-encoded")),
                            responses(
                                (status = 200, description = "The element", body = $resp, headers(("X-Dsgen-Revision" = String, description = "The revision answered from"))),
                                (status = 404, description = "No such element", body = ErrorBody),
                            ))]
        async fn $fn(State(st): St, p: Result<Path<String>, PathRejection>) -> Response {
            let snap = st.snapshot();
            let name = match segments(&snap, p) {
                Ok(n) => n,
                Err(resp) => return *resp,
            };
            match snap.$get(&name) {
                Some(v) => json_response(
                    StatusCode::OK,
                    &snap.revision,
                    &$resp {
                        revision: snap.revision.clone(),
                        $field: v,
                    },
                ),
                None => not_found(&snap, $what, &name),
            }
        }
    };
}
item_handler!(
    get_zone,
    "/api/v1/zones/{zone}",
    "zones",
    "zone",
    "zone",
    ZoneResponse,
    zone,
    zone
);
item_handler!(
    get_datastore,
    "/api/v1/datastores/{store}",
    "datastores",
    "store",
    "datastore",
    DatastoreResponse,
    datastore,
    datastore
);
item_handler!(
    get_workspace,
    "/api/v1/workspaces/{workspace}",
    "workspaces",
    "workspace",
    "workspace",
    WorkspaceResponse,
    workspace,
    workspace
);
item_handler!(
    get_platform,
    "/api/v1/platforms/{platform}",
    "platforms",
    "platform",
    "platform",
    PlatformResponse,
    platform,
    platform
);

#[utoipa::path(get, path = "/api/v1/teams/{zone}/{team}", tag = "teams",
    params(("zone" = String, Path, description = "Zone name, percent-encoded"),
           ("team" = String, Path, description = "Team name, percent-encoded")),
    responses(
        (status = 200, description = "The team's definition", body = TeamResponse, headers(("X-Dsgen-Revision" = String, description = "The revision answered from"))),
        (status = 404, description = "No such team", body = ErrorBody),
    ))]
async fn get_team(State(st): St, p: Result<Path<(String, String)>, PathRejection>) -> Response {
    let snap = st.snapshot();
    let (zone, name) = match segments(&snap, p) {
        Ok(n) => n,
        Err(resp) => return *resp,
    };
    match snap.team(&zone, &name) {
        Some(team) => json_response(
            StatusCode::OK,
            &snap.revision,
            &TeamResponse {
                revision: snap.revision.clone(),
                team,
            },
        ),
        None => not_found(&snap, "team", &format!("{zone}/{name}")),
    }
}

#[utoipa::path(get, path = "/api/v1/datasets/{store}/{dataset}", tag = "datasets",
    params(("store" = String, Path, description = "Datastore name, percent-encoded"),
           ("dataset" = String, Path, description = "Dataset name, percent-encoded")),
    responses(
        (status = 200, description = "The dataset and its schema", body = DatasetResponse, headers(("X-Dsgen-Revision" = String, description = "The revision answered from"))),
        (status = 404, description = "No such dataset", body = ErrorBody),
    ))]
async fn get_dataset(State(st): St, p: Result<Path<(String, String)>, PathRejection>) -> Response {
    let snap = st.snapshot();
    let (store, name) = match segments(&snap, p) {
        Ok(n) => n,
        Err(resp) => return *resp,
    };
    match snap.dataset(&store, &name) {
        Some(dataset) => json_response(
            StatusCode::OK,
            &snap.revision,
            &DatasetResponse {
                revision: snap.revision.clone(),
                dataset,
            },
        ),
        None => not_found(&snap, "dataset", &format!("{store}/{name}")),
    }
}

#[utoipa::path(get, path = "/api/v1/datastores/{store}/dependencies", tag = "datastores",
    params(("store" = String, Path, description = "Datastore name, percent-encoded")),
    responses(
        (status = 200, description = "Workspaces that read the store, directly or through transformers", body = DependenciesResponse, headers(("X-Dsgen-Revision" = String, description = "The revision answered from"))),
        (status = 404, description = "No such datastore", body = ErrorBody),
    ))]
async fn get_dependencies(State(st): St, p: Result<Path<String>, PathRejection>) -> Response {
    let snap = st.snapshot();
    let name = match segments(&snap, p) {
        Ok(n) => n,
        Err(resp) => return *resp,
    };
    let (worker, query) = (snap.clone(), name.clone());
    match tokio::task::spawn_blocking(move || worker.dependencies(&query)).await {
        Ok(Some(dependencies)) => json_response(
            StatusCode::OK,
            &snap.revision,
            &DependenciesResponse {
                revision: snap.revision.clone(),
                store: name,
                dependencies,
            },
        ),
        Ok(None) => not_found(&snap, "datastore", &name),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &snap,
            format!("dependency query failed: {e}"),
        ),
    }
}

#[utoipa::path(get, path = "/api/v1/platforms/{platform}/graph", tag = "platforms",
    params(("platform" = String, Path, description = "Platform name, percent-encoded")),
    responses(
        (status = 200, description = "The platform's intention graph (docs/graph.md)", body = GraphResponse, headers(("X-Dsgen-Revision" = String, description = "The revision answered from"))),
        (status = 404, description = "No such platform", body = ErrorBody),
    ))]
async fn get_graph(State(st): St, p: Result<Path<String>, PathRejection>) -> Response {
    let snap = st.snapshot();
    let name = match segments(&snap, p) {
        Ok(n) => n,
        Err(resp) => return *resp,
    };
    let (worker, query) = (snap.clone(), name.clone());
    // The first call builds every platform's graph (placement + graph build): off the
    // request threads.
    match tokio::task::spawn_blocking(move || worker.graph(&query)).await {
        Ok(Some(graph)) => json_response(
            StatusCode::OK,
            &snap.revision,
            &GraphResponse {
                revision: snap.revision.clone(),
                platform: name,
                graph,
            },
        ),
        Ok(None) => not_found(&snap, "platform", &name),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &snap,
            format!("graph build failed: {e}"),
        ),
    }
}

#[utoipa::path(post, path = "/api/query", tag = "datasurface",
    request_body(content = query::QueryRequest, description = "DataSurface's query: a command and its parameters"),
    responses(
        (status = 200, description = "The answer, under DataSurface's response field", body = query::QueryResponse, headers(("X-Dsgen-Revision" = String, description = "The revision answered from"))),
        (status = 400, description = "Malformed body, unknown command or missing parameter", body = ErrorBody),
        (status = 404, description = "Unknown name", body = ErrorBody),
        (status = 413, description = "Body larger than 64 KiB", body = ErrorBody),
    ))]
async fn api_query(State(st): St, body: Result<Bytes, BytesRejection>) -> Response {
    let snap = st.snapshot();
    let body = match body {
        Ok(b) => b,
        Err(e) => return error(e.status(), &snap, e.body_text()),
    };
    query::answer(&snap, &body).await
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dsgen serve",
        description = "Read-only REST API over one reviewed revision of a dsgen model (docs/serve.md). \
                       Every response names the revision in the `X-Dsgen-Revision` header and, \
                       for JSON bodies, a `revision` field."
    ),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// The API's routes and its OpenAPI document, generated from the handlers above.
pub fn routes() -> (axum::Router<Arc<AppState>>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(list_zones))
        .routes(routes!(get_zone))
        .routes(routes!(list_teams))
        .routes(routes!(get_team))
        .routes(routes!(list_datastores))
        .routes(routes!(get_datastore))
        .routes(routes!(get_dependencies))
        .routes(routes!(list_datasets))
        .routes(routes!(get_dataset))
        .routes(routes!(list_workspaces))
        .routes(routes!(get_workspace))
        .routes(routes!(list_platforms))
        .routes(routes!(get_platform))
        .routes(routes!(get_graph))
        .routes(routes!(diagnostics))
        .routes(routes!(api_query))
        .split_for_parts()
}
