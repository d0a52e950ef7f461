//! `dsgen serve`: the router in-process (tower `oneshot`) for every endpoint and error path, and
//! the real binary on an ephemeral loopback port for start-up, the canary (no secret reaches a
//! response), SIGTERM and the `--watch` swap of a git branch.

#[path = "support/git.rs"]
mod git_support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dsgen::serve::{self, AppState, ModelSource};
use git_support::{copy_dir, git, repo_root};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

fn acme_state() -> Arc<AppState> {
    let snap = serve::load(&ModelSource::Dir(repo_root().join("examples/acme")), None)
        .unwrap_or_else(|e| panic!("acme does not load: {}", e.summary()));
    AppState::new(snap, None)
}

/// (status, revision header, JSON body)
async fn call(state: &Arc<AppState>, method: &str, uri: &str, body: &str) -> (u16, String, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = serve::router(state.clone()).oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let rev = resp
        .headers()
        .get("x-dsgen-revision")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v: Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, rev, v)
}

async fn get(state: &Arc<AppState>, uri: &str) -> (u16, Value) {
    let (status, rev, v) = call(state, "GET", uri, "").await;
    assert!(rev.starts_with("sha256:"), "{uri}: revision header `{rev}`");
    if uri != "/openapi.json" {
        assert_eq!(
            v["revision"],
            json!(rev),
            "{uri}: body and header revision differ"
        );
    }
    (status, v)
}

async fn query(state: &Arc<AppState>, body: Value) -> (u16, Value) {
    let (status, rev, v) = call(state, "POST", "/api/query", &body.to_string()).await;
    assert_eq!(v["revision"], json!(rev));
    (status, v)
}

fn names(v: &Value, field: &str) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn lists_are_sorted_paginated_and_complete() {
    let st = acme_state();
    let (status, health) = get(&st, "/health").await;
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");
    let counts = health["counts"].clone();
    for (path, field, count) in [
        ("/api/v1/zones", "name", "zones"),
        ("/api/v1/teams", "name", "teams"),
        ("/api/v1/datastores", "name", "datastores"),
        ("/api/v1/datasets", "name", "datasets"),
        ("/api/v1/workspaces", "name", "workspaces"),
        ("/api/v1/platforms", "name", "platforms"),
    ] {
        let (status, all) = get(&st, path).await;
        assert_eq!(status, 200, "{path}");
        let total = all["total"].as_u64().unwrap();
        assert_eq!(json!(total), counts[count], "{path}");
        assert!(total >= 3, "{path}: acme has several");
        assert_eq!(all["items"].as_array().unwrap().len() as u64, total);
        // Sorted: by name, (zone, team) for teams, (store, dataset) for datasets.
        let keys: Vec<String> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| match count {
                "teams" => format!(
                    "{}\u{0}{}",
                    i["zone"].as_str().unwrap(),
                    i["name"].as_str().unwrap()
                ),
                "datasets" => format!(
                    "{}\u{0}{}",
                    i["store"].as_str().unwrap(),
                    i["name"].as_str().unwrap()
                ),
                _ => i[field].as_str().unwrap().to_string(),
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{path}");
        // Pages of 2 concatenate to the whole list.
        let mut paged = Vec::new();
        let mut offset = 0;
        loop {
            let (status, page) = get(&st, &format!("{path}?limit=2&offset={offset}")).await;
            assert_eq!(status, 200);
            assert_eq!(page["limit"], 2);
            assert_eq!(page["offset"], offset);
            let items = page["items"].as_array().unwrap().clone();
            if items.is_empty() {
                break;
            }
            assert!(items.len() <= 2);
            paged.extend(items);
            offset += 2;
        }
        assert_eq!(json!(paged), all["items"], "{path}");
        // Bad pagination is a JSON 400.
        for bad in ["limit=0", "limit=1001", "limit=-1", "limit=x", "offset=-3"] {
            let (status, v) = get(&st, &format!("{path}?{bad}")).await;
            assert_eq!(status, 400, "{path}?{bad}");
            assert!(v["error"].as_str().unwrap().len() > 5);
        }
    }
    let (_, zones) = get(&st, "/api/v1/zones").await;
    assert_eq!(names(&zones, "name"), ["EU", "Research", "USA"]);
}

#[tokio::test]
async fn every_element_by_path_and_404s() {
    let st = acme_state();
    let (_, stores) = get(&st, "/api/v1/datastores?limit=1000").await;
    for store in stores["items"].as_array().unwrap() {
        let name = store["name"].as_str().unwrap();
        let (status, one) = get(&st, &format!("/api/v1/datastores/{name}")).await;
        assert_eq!(status, 200);
        assert_eq!(&one["datastore"], store);
        for ds in store["datasets"].as_array().unwrap() {
            let ds = ds.as_str().unwrap();
            let (status, d) = get(&st, &format!("/api/v1/datasets/{name}/{ds}")).await;
            assert_eq!(status, 200);
            assert_eq!(d["dataset"]["store"], name);
            assert_eq!(d["dataset"]["name"], ds);
            assert!(!d["dataset"]["columns"].as_array().unwrap().is_empty());
        }
        let (status, deps) = get(&st, &format!("/api/v1/datastores/{name}/dependencies")).await;
        assert_eq!(status, 200);
        assert_eq!(deps["store"], name);
    }
    let (_, d) = get(&st, "/api/v1/datasets/Billing_Ledger/invoices").await;
    assert_eq!(d["dataset"]["zone"], "USA");
    assert_eq!(d["dataset"]["team"], "Billing");
    assert_eq!(d["dataset"]["primary_key"], json!(["invoice_id"]));
    assert_eq!(d["dataset"]["columns"][0]["type"], "varchar(20)");

    let (_, deps) = get(&st, "/api/v1/datastores/US_Customers/dependencies").await;
    let chain: Vec<(String, Value)> = deps["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["workspace"].as_str().unwrap().to_string(),
                d["via"].clone(),
            )
        })
        .collect();
    assert!(chain.contains(&(
        "ChurnModel".to_string(),
        json!(["MaskCustomers", "CustomerFeatures"])
    )));
    assert!(chain.contains(&("MaskCustomers".to_string(), json!([]))));

    let (_, teams) = get(&st, "/api/v1/teams").await;
    for t in teams["items"].as_array().unwrap() {
        let (z, n) = (t["zone"].as_str().unwrap(), t["name"].as_str().unwrap());
        let (status, one) = get(&st, &format!("/api/v1/teams/{z}/{n}")).await;
        assert_eq!(status, 200);
        assert_eq!(&one["team"], t);
    }
    for (list, field, path) in [
        ("/api/v1/zones", "zone", "/api/v1/zones/"),
        ("/api/v1/workspaces", "workspace", "/api/v1/workspaces/"),
        ("/api/v1/platforms", "platform", "/api/v1/platforms/"),
    ] {
        let (_, all) = get(&st, list).await;
        for item in all["items"].as_array().unwrap() {
            let name = item["name"].as_str().unwrap();
            let (status, one) = get(&st, &format!("{path}{name}")).await;
            assert_eq!(status, 200);
            assert_eq!(&one[field], item);
        }
    }
    let (status, g) = get(&st, "/api/v1/platforms/YellowLive/graph").await;
    assert_eq!(status, 200);
    assert_eq!(g["graph"]["version"], 1);
    assert_eq!(g["graph"]["platforms"][0]["name"], "YellowLive");
    assert!(!g["graph"]["platforms"][0]["nodes"]
        .as_array()
        .unwrap()
        .is_empty());

    for uri in [
        "/api/v1/zones/Nowhere",
        "/api/v1/teams/USA/Nobody",
        "/api/v1/datastores/Nope",
        "/api/v1/datastores/Nope/dependencies",
        "/api/v1/datasets/Billing_Ledger/nope",
        "/api/v1/datasets/Nope/invoices",
        "/api/v1/workspaces/Nope",
        "/api/v1/platforms/Nope",
        "/api/v1/platforms/Nope/graph",
        // Names are compared, never opened: traversal is just an unknown name.
        "/api/v1/datastores/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/datasets/%2Fetc/passwd",
        "/no/such/route",
    ] {
        let (status, v) = get(&st, uri).await;
        assert_eq!(status, 404, "{uri}");
        assert!(v["error"].is_string(), "{uri}");
    }
    // A percent-encoded segment is decoded before the lookup.
    let (status, _) = get(&st, "/api/v1/datastores/Billing%5FLedger").await;
    assert_eq!(status, 200);
    let (status, diags) = get(&st, "/api/v1/diagnostics").await;
    assert_eq!(status, 200);
    assert!(diags["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["severity"] != "error"));
}

#[tokio::test]
async fn datasurface_query_commands_and_errors() {
    let st = acme_state();
    let (s, v) = query(&st, json!({"command": "list_workspaces", "params": {}})).await;
    assert_eq!(s, 200);
    let (_, ws) = get(&st, "/api/v1/workspaces").await;
    assert_eq!(v["workspaces"], ws["items"]);
    let (s, v) = query(
        &st,
        json!({"command": "get_workspace", "params": {"workspace_name": "ChurnModel"}}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["workspace"]["name"], "ChurnModel");
    let (s, v) = query(
        &st,
        json!({"command": "get_dataset", "params": {"store_name": "Billing_Ledger", "dataset_name": "invoices"}}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, rest) = get(&st, "/api/v1/datasets/Billing_Ledger/invoices").await;
    assert_eq!(v["dataset"], rest["dataset"]);
    let (s, v) = query(&st, json!({"command": "list_datastores", "params": {}})).await;
    assert_eq!(s, 200);
    let (_, stores) = get(&st, "/api/v1/datastores").await;
    assert_eq!(json!(names(&stores, "name")), v["datastores"]);
    let (s, v) = query(
        &st,
        json!({"command": "get_datastore", "params": {"store_name": "US_Customers"}}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["datastore"]["name"], "US_Customers");
    let (s, v) = query(&st, json!({"command": "list_teams", "params": {}})).await;
    assert_eq!(s, 200);
    assert_eq!(
        v["teams"],
        json!([
            "EU/Logistics",
            "EU/Web",
            "Research/Science",
            "USA/Billing",
            "USA/Sales"
        ])
    );
    let (s, v) = query(
        &st,
        json!({"command": "get_team", "params": {"governance_zone": "USA", "team_name": "Sales"}}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["team"]["name"], "Sales");
    let (s, v) = query(
        &st,
        json!({"command": "get_dependencies", "params": {"store_name": "US_Customers"}}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, deps) = get(&st, "/api/v1/datastores/US_Customers/dependencies").await;
    assert_eq!(v["dependencies"], deps["dependencies"]);

    // 404: unknown names.
    for body in [
        json!({"command": "get_workspace", "params": {"workspace_name": "Nope"}}),
        json!({"command": "get_dataset", "params": {"store_name": "US_Customers", "dataset_name": "nope"}}),
        json!({"command": "get_datastore", "params": {"store_name": "Nope"}}),
        json!({"command": "get_team", "params": {"governance_zone": "USA", "team_name": "Nope"}}),
        json!({"command": "get_dependencies", "params": {"store_name": "Nope"}}),
    ] {
        let (s, v) = query(&st, body.clone()).await;
        assert_eq!(s, 404, "{body}");
        assert!(v["error"].as_str().unwrap().contains("no "), "{body}");
    }
    // 400: malformed bodies, missing or mistyped fields, unknown commands.
    for body in [
        "",
        "not json",
        "[]",
        "{}",
        r#"{"command": "list_teams"}"#,
        r#"{"params": {}}"#,
        r#"{"command": 3, "params": {}}"#,
        r#"{"command": "list_teams", "params": []}"#,
        r#"{"command": "drop_tables", "params": {}}"#,
        r#"{"command": "get_workspace", "params": {}}"#,
        r#"{"command": "get_workspace", "params": {"workspace_name": 7}}"#,
        r#"{"command": "get_dataset", "params": {"store_name": "US_Customers"}}"#,
        r#"{"command": "get_team", "params": {"team_name": "Sales"}}"#,
    ] {
        let (s, _, v) = call(&st, "POST", "/api/query", body).await;
        assert_eq!(s, 400, "{body}");
        assert!(v["error"].is_string(), "{body}");
    }
    // Over the body limit: 413, still JSON.
    let big = format!(
        r#"{{"command": "list_teams", "params": {{"x": "{}"}}}}"#,
        "a".repeat(serve::BODY_LIMIT)
    );
    let (s, _, v) = call(&st, "POST", "/api/query", &big).await;
    assert_eq!(s, 413);
    assert!(v["error"].is_string());
    // GET on the query endpoint is not allowed.
    let req = Request::builder()
        .uri("/api/query")
        .body(Body::empty())
        .unwrap();
    let resp = serve::router(st.clone()).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn cors_is_off() {
    let st = acme_state();
    for method in ["GET", "OPTIONS"] {
        let req = Request::builder()
            .method(method)
            .uri("/api/v1/zones")
            .header("origin", "https://evil.example")
            .header("access-control-request-method", "GET")
            .body(Body::empty())
            .unwrap();
        let resp = serve::router(st.clone()).oneshot(req).await.unwrap();
        assert!(
            !resp
                .headers()
                .keys()
                .any(|k| k.as_str().starts_with("access-control-")),
            "{method}: {:?}",
            resp.headers()
        );
    }
}

#[tokio::test]
async fn openapi_documents_every_route() {
    let st = acme_state();
    let (status, _, doc) = call(&st, "GET", "/openapi.json", "").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    for p in [
        "/health",
        "/api/v1/zones",
        "/api/v1/zones/{zone}",
        "/api/v1/teams",
        "/api/v1/teams/{zone}/{team}",
        "/api/v1/datastores",
        "/api/v1/datastores/{store}",
        "/api/v1/datastores/{store}/dependencies",
        "/api/v1/datasets",
        "/api/v1/datasets/{store}/{dataset}",
        "/api/v1/workspaces",
        "/api/v1/workspaces/{workspace}",
        "/api/v1/platforms",
        "/api/v1/platforms/{platform}",
        "/api/v1/platforms/{platform}/graph",
        "/api/v1/diagnostics",
        "/api/query",
    ] {
        assert!(paths.contains(&p), "{p} missing from {paths:?}");
    }
    // Every operation documents the revision header on its 200 answer.
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            assert!(
                op["responses"]["200"]["headers"]["X-Dsgen-Revision"].is_object(),
                "{method} {path}"
            );
        }
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for s in [
        "DatasetView",
        "WorkspaceView",
        "QueryRequest",
        "QueryResponse",
        "ErrorBody",
        "Health",
    ] {
        assert!(schemas.contains_key(s), "schema {s} missing");
    }
}

// ---------------------------------------------------------------------------------------------
// The real binary
// ---------------------------------------------------------------------------------------------

/// A running `dsgen serve`, killed on drop.
struct Server {
    child: Child,
    addr: String,
    /// The server's stderr (its log).
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dsgen"))
        .arg("serve")
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .env("DSGEN_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("spawn dsgen serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line `{line}`"))
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    Server {
        child,
        addr,
        log,
        _dir: dir,
    }
}

/// A minimal HTTP/1.1 exchange: (status, revision header, body).
fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response");
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let rev = head
        .lines()
        .find_map(|l| l.strip_prefix("x-dsgen-revision: "))
        .unwrap_or("")
        .to_string();
    (status, rev, body.to_string())
}

fn http_json(addr: &str, method: &str, path: &str, body: &str) -> (u16, Value) {
    let (status, rev, text) = http(addr, method, path, body);
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
    assert_eq!(v["revision"], json!(rev), "{path}");
    (status, v)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// acme with public canaries in docs and tags.
fn canary_model(dir: &Path) {
    copy_dir(&repo_root().join("examples/acme"), dir);
    edit(
        &dir.join("zones/usa/billing.hcl"),
        r#"doc        = "General ledger and invoices""#,
        r#"doc        = "CANARY_PUBLIC_DOC_41"
    tags       = { canary = "CANARY_PUBLIC_TAG_42" }"#,
    );
    edit(
        &dir.join("platforms.hcl"),
        r#"doc              = "DMS + Glue + Iceberg lake in us-east-1""#,
        r#"doc              = "CANARY_PUBLIC_DOC_43""#,
    );
}

#[test]
fn a_model_with_a_secret_is_refused_and_the_secret_never_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("model");
    canary_model(&dir);
    edit(
        &dir.join("platforms.hcl"),
        r#"credential_store = "k8s""#,
        r#"credential_store = "k8s"
  db_password      = "CANARY_SECRET_PASSWORD_77"
  api_token        = 990077553311"#,
    );
    edit(
        &dir.join("zones/usa/billing.hcl"),
        r#"credential  = "ledger_cdc""#,
        r#"credential  = "ledger_cdc"
      secret_key  = "CANARY_SECRET_KEY_78""#,
    );
    let out = Command::new(env!("CARGO_BIN_EXE_dsgen"))
        .args(["serve", "--addr", "127.0.0.1:0", "--model-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("DS131"), "{all}");
    assert!(!all.contains("listening"), "{all}");
    for secret in ["CANARY_SECRET", "990077553311"] {
        assert!(!all.contains(secret), "{secret} printed: {all}");
    }
}

#[test]
fn the_binary_serves_every_endpoint_without_secrets_and_stops_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("model");
    canary_model(&dir);
    let server = start(&["--model-dir", dir.to_str().unwrap()]);
    let a = server.addr.as_str();
    // Crawl every endpoint and collect every response body.
    let mut bodies: Vec<String> = Vec::new();
    let mut fetch = |path: &str| -> Value {
        let (status, rev, text) = http(a, "GET", path, "");
        assert_eq!(status, 200, "{path}: {text}");
        assert!(rev.starts_with("sha256:"));
        bodies.push(text.clone());
        serde_json::from_str(&text).unwrap()
    };
    fetch("/health");
    fetch("/openapi.json");
    fetch("/api/v1/diagnostics?limit=1000");
    let mut items = Vec::new();
    for list in [
        "zones",
        "teams",
        "datastores",
        "datasets",
        "workspaces",
        "platforms",
    ] {
        let v = fetch(&format!("/api/v1/{list}?limit=1000"));
        for i in v["items"].as_array().unwrap() {
            items.push((list, i.clone()));
        }
    }
    for (list, i) in &items {
        let n = i["name"].as_str().unwrap();
        match *list {
            "teams" => fetch(&format!(
                "/api/v1/teams/{}/{n}",
                i["zone"].as_str().unwrap()
            )),
            "datasets" => fetch(&format!(
                "/api/v1/datasets/{}/{n}",
                i["store"].as_str().unwrap()
            )),
            "datastores" => {
                fetch(&format!("/api/v1/datastores/{n}/dependencies"));
                fetch(&format!("/api/v1/datastores/{n}"))
            }
            "platforms" => {
                fetch(&format!("/api/v1/platforms/{n}/graph"));
                fetch(&format!("/api/v1/platforms/{n}"))
            }
            _ => fetch(&format!("/api/v1/{list}/{n}")),
        };
    }
    for cmd in ["list_workspaces", "list_datastores", "list_teams"] {
        let (status, _, text) = http(
            a,
            "POST",
            "/api/query",
            &json!({"command": cmd, "params": {}}).to_string(),
        );
        assert_eq!(status, 200);
        bodies.push(text);
    }
    let all = bodies.join("\n");
    // The public canaries are served (the crawl reaches docs and tags)...
    for public in [
        "CANARY_PUBLIC_DOC_41",
        "CANARY_PUBLIC_TAG_42",
        "CANARY_PUBLIC_DOC_43",
    ] {
        assert!(all.contains(public), "{public} not served");
    }
    // ...and nothing secret-shaped is.
    for secret in [
        "CANARY_SECRET",
        "password\":\"",
        "secret\":\"",
        "token\":\"",
    ] {
        assert!(!all.contains(secret), "{secret} served");
    }

    // An unknown dataset through the compatibility endpoint: 404 JSON.
    let (status, v) = http_json(
        a,
        "POST",
        "/api/query",
        r#"{"command":"get_dataset","params":{"store_name":"Billing_Ledger","dataset_name":"nope"}}"#,
    );
    assert_eq!(status, 404);
    assert!(v["error"].is_string());

    // One access-log line per request: method, path, status, latency.
    let log = std::fs::read_to_string(&server.log).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("path=/api/query") && l.contains("status=404"))
        .unwrap_or_else(|| panic!("no access-log line for the 404 query: {log}"));
    assert!(
        line.contains("method=POST") && line.contains("latency_us="),
        "{line}"
    );
    assert!(log.lines().filter(|l| l.contains("dsgen::access")).count() >= bodies.len());

    // SIGTERM: a graceful stop, exit 0.
    let mut server = server;
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0));
            break;
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Poll `/health` until `pred` holds (the watcher polls every 100 ms here).
fn wait_health(addr: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, v) = http_json(addr, "GET", "/health", "");
        if pred(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out; last /health: {v}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn watch_swaps_in_good_commits_and_keeps_serving_through_bad_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    copy_dir(&repo_root().join("examples/acme"), &repo.join("model"));
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    let first = git(repo, &["rev-parse", "HEAD"]);

    let server = start(&[
        "--repo",
        repo.to_str().unwrap(),
        "--rev",
        "main",
        "--model-dir",
        "model",
        "--watch",
        "--poll-ms",
        "100",
    ]);
    let a = server.addr.clone();
    let h = wait_health(&a, |_| true);
    assert_eq!(h["revision"], json!(first));
    assert_eq!(h["watching"], "main");
    assert_eq!(h["status"], "ok");

    // A good commit: a new nullable column; served once loaded.
    let billing = repo.join("model/zones/usa/billing.hcl");
    edit(
        &billing,
        r#"column "ledger_code" { type = "varchar(10)" }"#,
        r#"column "ledger_code" { type = "varchar(10)" }
      column "watch_added" { type = "integer" }"#,
    );
    git(repo, &["commit", "-q", "-am", "good"]);
    let good = git(repo, &["rev-parse", "HEAD"]);
    wait_health(&a, |v| v["revision"] == json!(good));
    let (status, d) = http_json(
        &a,
        "GET",
        "/api/v1/datasets/Billing_Ledger/journal_entries",
        "",
    );
    assert_eq!(status, 200);
    assert_eq!(d["revision"], json!(good));
    assert!(d["dataset"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "watch_added"));

    // A bad commit (a lint error): reported, the good revision keeps serving.
    edit(
        &billing,
        r#"column "watch_added" { type = "integer" }"#,
        r#"column "watch_added" { type = "integer" }
      column "select" { type = "integer" }"#,
    );
    git(repo, &["commit", "-q", "-am", "bad"]);
    let bad = git(repo, &["rev-parse", "HEAD"]);
    let h = wait_health(&a, |v| !v["last_reload_error"].is_null());
    assert_eq!(h["status"], "degraded");
    assert_eq!(h["revision"], json!(good));
    assert_eq!(h["last_reload_error"]["revision"], json!(bad));
    assert!(
        h["last_reload_error"]["message"]
            .as_str()
            .unwrap()
            .contains("billing.hcl"),
        "{h}"
    );
    let (status, d) = http_json(
        &a,
        "GET",
        "/api/v1/datasets/Billing_Ledger/journal_entries",
        "",
    );
    assert_eq!(status, 200);
    assert_eq!(d["revision"], json!(good));

    // Fixed: served again, the error cleared.
    edit(
        &billing,
        r#"
      column "select" { type = "integer" }"#,
        "",
    );
    git(repo, &["commit", "-q", "-am", "fix"]);
    let fixed = git(repo, &["rev-parse", "HEAD"]);
    let h = wait_health(&a, |v| v["revision"] == json!(fixed));
    assert_eq!(h["status"], "ok");
    assert!(h["last_reload_error"].is_null());
}

#[test]
fn start_up_errors_exit_with_the_documented_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_dsgen"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .output()
            .unwrap()
    };
    // No such directory or repository: 2.
    let missing = tmp.path().join("missing");
    assert_eq!(
        run(&["--model-dir", missing.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["--repo", missing.to_str().unwrap(), "--rev", "main"])
            .status
            .code(),
        Some(2)
    );
    // --watch without a repository is a usage error.
    assert_eq!(run(&["--watch"]).status.code(), Some(2));
    // A model with a lint error: 1, with the diagnostics.
    let dir = tmp.path().join("model");
    copy_dir(&repo_root().join("examples/acme"), &dir);
    edit(
        &dir.join("zones/usa/billing.hcl"),
        r#"column "ledger_code" { type = "varchar(10)" }"#,
        r#"column "ledger_code" { type = "varchar(10)" }
      column "select" { type = "integer" }"#,
    );
    let out = run(&["--model-dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error"));
}

#[test]
fn a_directory_revision_is_the_sha256_of_the_canonical_text() {
    use sha2::{Digest, Sha256};
    for dir in ["examples/acme", "examples/quickstart"] {
        let loaded = dsgen::load::load_dir(&repo_root().join(dir)).unwrap();
        let text = dsgen::model::canonical::canonical_text(&loaded.model);
        let hex: String = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            serve::content_revision(&loaded.model),
            format!("sha256:{hex}"),
            "{dir}"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    dsgen::synth::write_model(tmp.path(), 300).unwrap();
    let loaded = dsgen::load::load_dir(tmp.path()).unwrap();
    assert!(loaded.model.teams.len() > 2);
    let text = dsgen::model::canonical::canonical_text(&loaded.model);
    let hex: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        serve::content_revision(&loaded.model),
        format!("sha256:{hex}")
    );
}

#[tokio::test]
async fn a_panicking_or_slow_handler_is_answered_and_the_service_keeps_running() {
    use axum::routing::get;
    let st = acme_state();
    let routes = axum::Router::new()
        .route(
            "/boom",
            get(|| async {
                if std::hint::black_box(true) {
                    panic!("boom");
                }
                "unreachable"
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .route("/ok", get(|| async { "fine" }));
    let app = serve::harden(routes, st.clone(), Duration::from_millis(100));
    let send = |uri: &'static str| {
        let app = app.clone();
        async move {
            let resp = app
                .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let rev = resp.headers().get("x-dsgen-revision").is_some();
            (resp.status().as_u16(), rev)
        }
    };
    assert_eq!(send("/boom").await, (500, true));
    assert_eq!(send("/slow").await, (408, true));
    assert_eq!(send("/ok").await, (200, true));
    assert_eq!(send("/boom").await, (500, true));
}

#[tokio::test]
async fn a_swap_leaves_requests_in_flight_on_their_snapshot() {
    let st = acme_state();
    let old = st.snapshot();
    let quickstart = serve::load(
        &ModelSource::Dir(repo_root().join("examples/quickstart")),
        None,
    )
    .unwrap_or_else(|e| panic!("{}", e.summary()));
    let new_rev = quickstart.revision.clone();
    assert_ne!(new_rev, old.revision);
    st.swap(quickstart);
    // A request that took the old snapshot still answers from it, whole.
    assert!(old.dataset("Billing_Ledger", "invoices").is_some());
    assert_eq!(old.counts().datasets, 14);
    // New requests see the new revision.
    let (status, h) = get(&st, "/health").await;
    assert_eq!(status, 200);
    assert_eq!(h["revision"], json!(new_rev));
    let (status, _) = get(&st, "/api/v1/datasets/Billing_Ledger/invoices").await;
    assert_eq!(status, 404);
    // A rejection is reported without replacing what is served; the next swap clears it.
    st.reject("abc123".into(), "model.hcl:3: DS104 bad".into());
    let (_, h) = get(&st, "/health").await;
    assert_eq!(h["status"], "degraded");
    assert_eq!(h["revision"], json!(new_rev));
    assert_eq!(h["last_reload_error"]["revision"], "abc123");
}
