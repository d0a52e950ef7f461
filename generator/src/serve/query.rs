//! DataSurface's `POST /api/query`: its commands, parameter names and response fields, with
//! dsgen's own JSON shapes inside. Unlike DataSurface, bad input is a 400 and an unknown name
//! a 404 (DataSurface answers 500 for both).

use super::api::{
    error, json_response, DatasetResponse, DatastoreResponse, TeamResponse, WorkspaceResponse,
};
use super::snapshot::Snapshot;
use super::views::{DependentView, WorkspaceView};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;
use utoipa::ToSchema;

/// The query commands.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    ListWorkspaces,
    GetWorkspace,
    GetDataset,
    ListDatastores,
    GetDatastore,
    ListTeams,
    GetTeam,
    GetDependencies,
}

impl Command {
    fn parse(s: &str) -> Option<Command> {
        serde_json::from_value(Value::String(s.to_string())).ok()
    }
}

/// `{"command": ..., "params": {...}}`: DataSurface's query. Every parameter is a string;
/// other members of `params` are ignored.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "command", content = "params", rename_all = "snake_case")]
pub enum QueryRequest {
    ListWorkspaces(NoParams),
    GetWorkspace(WorkspaceParams),
    GetDataset(DatasetParams),
    ListDatastores(NoParams),
    GetDatastore(StoreParams),
    ListTeams(NoParams),
    GetTeam(TeamParams),
    GetDependencies(StoreParams),
}

/// The list commands take no parameters.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoParams {}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceParams {
    pub workspace_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetParams {
    pub store_name: String,
    pub dataset_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoreParams {
    pub store_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamParams {
    pub governance_zone: String,
    pub team_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListWorkspacesResponse {
    pub revision: String,
    /// Every workspace, sorted by name.
    pub workspaces: Vec<WorkspaceView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListDatastoresResponse {
    pub revision: String,
    /// Every datastore name, sorted.
    pub datastores: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListTeamsResponse {
    pub revision: String,
    /// Every team as `zone/team`, sorted.
    pub teams: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GetDependenciesResponse {
    pub revision: String,
    pub store: String,
    /// The workspaces that depend on the store, sorted by name.
    pub dependencies: Vec<DependentView>,
}

/// One of the commands' answers: the field named after the command's result.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum QueryResponse {
    ListWorkspaces(ListWorkspacesResponse),
    GetWorkspace(WorkspaceResponse),
    GetDataset(DatasetResponse),
    ListDatastores(ListDatastoresResponse),
    GetDatastore(DatastoreResponse),
    ListTeams(ListTeamsResponse),
    GetTeam(TeamResponse),
    GetDependencies(GetDependenciesResponse),
}

/// A parameter's string value, or the 400 message.
fn param<'a>(params: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    match params.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("parameter `{name}` must be a string")),
        None => Err(format!("missing required parameter `{name}`")),
    }
}

/// Answer a query body.
pub async fn answer(snap: &Arc<Snapshot>, body: &[u8]) -> Response {
    let bad = |msg: String| error(StatusCode::BAD_REQUEST, snap, msg);
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return bad(format!("the body is not JSON: {e}")),
    };
    let Value::Object(obj) = value else {
        return bad("the body must be a JSON object".to_string());
    };
    let (Some(command), Some(params)) = (obj.get("command"), obj.get("params")) else {
        return bad("missing required fields: command, params".to_string());
    };
    let Value::String(command_name) = command else {
        return bad("`command` must be a string".to_string());
    };
    let Value::Object(params) = params else {
        return bad("`params` must be an object".to_string());
    };
    let Some(command) = Command::parse(command_name) else {
        return bad(format!("invalid command: {command_name}"));
    };
    match run(snap, command, params).await {
        Ok(resp) => json_response(StatusCode::OK, &snap.revision, &resp),
        Err((status, msg)) => error(status, snap, msg),
    }
}

async fn run(
    snap: &Arc<Snapshot>,
    command: Command,
    params: &Map<String, Value>,
) -> Result<QueryResponse, (StatusCode, String)> {
    let bad = |m: String| (StatusCode::BAD_REQUEST, m);
    let missing = |what: &str, name: String| {
        (
            StatusCode::NOT_FOUND,
            format!("no {what} `{name}` in revision {}", snap.revision),
        )
    };
    let revision = snap.revision.clone();
    Ok(match command {
        Command::ListWorkspaces => QueryResponse::ListWorkspaces(ListWorkspacesResponse {
            revision,
            workspaces: snap.workspaces_page(0, usize::MAX),
        }),
        Command::GetWorkspace => {
            let name = param(params, "workspace_name").map_err(bad)?;
            let workspace = snap
                .workspace(name)
                .ok_or_else(|| missing("workspace", name.to_string()))?;
            QueryResponse::GetWorkspace(WorkspaceResponse {
                revision,
                workspace,
            })
        }
        Command::GetDataset => {
            let store = param(params, "store_name").map_err(bad)?;
            let name = param(params, "dataset_name").map_err(bad)?;
            let dataset = snap
                .dataset(store, name)
                .ok_or_else(|| missing("dataset", format!("{store}/{name}")))?;
            QueryResponse::GetDataset(DatasetResponse { revision, dataset })
        }
        Command::ListDatastores => QueryResponse::ListDatastores(ListDatastoresResponse {
            revision,
            datastores: snap.datastore_names(),
        }),
        Command::GetDatastore => {
            let name = param(params, "store_name").map_err(bad)?;
            let datastore = snap
                .datastore(name)
                .ok_or_else(|| missing("datastore", name.to_string()))?;
            QueryResponse::GetDatastore(DatastoreResponse {
                revision,
                datastore,
            })
        }
        Command::ListTeams => QueryResponse::ListTeams(ListTeamsResponse {
            revision,
            teams: snap.team_keys(),
        }),
        Command::GetTeam => {
            let zone = param(params, "governance_zone").map_err(bad)?;
            let name = param(params, "team_name").map_err(bad)?;
            let team = snap
                .team(zone, name)
                .ok_or_else(|| missing("team", format!("{zone}/{name}")))?;
            QueryResponse::GetTeam(TeamResponse { revision, team })
        }
        Command::GetDependencies => {
            let name = param(params, "store_name").map_err(bad)?.to_string();
            let (worker, query) = (snap.clone(), name.clone());
            let deps = tokio::task::spawn_blocking(move || worker.dependencies(&query))
                .await
                .map_err(|e| {
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        format!("dependency query failed: {e}"),
                    )
                })?
                .ok_or_else(|| missing("datastore", name.clone()))?;
            QueryResponse::GetDependencies(GetDependenciesResponse {
                revision,
                store: name,
                dependencies: deps,
            })
        }
    })
}
