//! The merge job's schedule: one Kubernetes `CronJob` per ingest node with merge work, running
//! `dsgen batch` for that node, plus the ServiceAccount and NetworkPolicy of the batch pods
//! (docs/targets/kafka-connect.md, "Batch CronJobs").
//!
//! An ingest node has merge work on a platform when its source is the store's own capture and
//! it carries datasets: `cdc` and `kafka` captures land in the merge database's staging tables
//! through the JDBC sinks, and the job merges them; `snapshot` and `watermark` captures are
//! pulled from the source by the job itself. Nodes read from a primary platform's merge tables
//! (that platform's job merges them) and transformer outputs (the transformer writes them) have
//! none.
//!
//! The job follows `dsgen batch`'s exit protocol: 0 done, 1 more work (the pod is replaced at
//! once, not counted as a failure), 2 or more an error (the Job fails).

use super::connectors::datasets_of;
use super::settings::{env_name, secret_name, Deployment, Settings};
use super::RenderContext;
use crate::diag::Diagnostic;
use crate::graph::{captured_ingests, CapturedIngest};
use crate::lint::rules::kafka_connect_settings::DS136;
use crate::model::{CaptureKind, ContainerKind, ContainerSpec, DbEngine};
use crate::render::codes;
use crate::render::names::{self, Namespace};
use crate::target::resource::{Element, ResourceKind};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Where the batch image holds the model (`--model-dir`).
pub const MODEL_DIR: &str = "/model";
/// The schedule of a capture whose trigger is `external`: the CronJob is suspended, so it only
/// runs when something creates a Job from it (`kubectl create job --from=cronjob/NAME`); the
/// schedule is there because Kubernetes requires one.
pub const EXTERNAL_SCHEDULE: &str = "*/15 * * * *";
/// The container's name in the pod, which `podFailurePolicy` names.
const CONTAINER: &str = "batch";
/// A CronJob name's limit: the controller appends 11 characters to name each Job.
const CRONJOB_NAME_LIMIT: usize = 52;

/// One ingest node's scheduled merge job.
#[derive(Debug, Clone)]
pub struct BatchJob {
    /// The graph's node key, `dsgen batch --node`.
    pub node: String,
    /// The CronJob's name (RFC 1123, at most 52 characters).
    pub name: String,
    /// A 5-field cron; with `suspend` the CronJob only runs when triggered from outside.
    pub schedule: String,
    pub suspend: bool,
    /// Credentials the job reads from the environment, sorted: the merge credential and, for
    /// snapshot and watermark captures, the capture's.
    pub credentials: BTreeSet<String>,
    /// The source database's port for snapshot and watermark captures.
    pub source_port: Option<u16>,
    pub element: Element,
}

/// Every batch job of the platform in `cx`, sorted by name, or DS501 for two nodes whose
/// CronJob names coincide.
pub fn jobs(cx: &RenderContext, s: &Settings) -> Result<Vec<BatchJob>, Vec<Diagnostic>> {
    let platform = cx.platform.name.value.as_str();
    let mut taken = Namespace::new("CronJob name");
    let mut spans = std::collections::HashMap::new();
    let mut diags = Vec::new();
    let mut out = Vec::new();
    for CapturedIngest {
        node,
        store_name,
        store,
        capture,
    } in captured_ingests(cx.index, cx.graph)
    {
        if datasets_of(cx, node).is_empty() {
            continue;
        }
        let mut credentials = BTreeSet::from([s.merge_credential.clone()]);
        let mut source_port = None;
        if matches!(
            capture.kind.value,
            CaptureKind::Snapshot | CaptureKind::Watermark
        ) {
            if let Some(c) = &capture.credential {
                credentials.insert(c.value.clone());
            }
            if let Some((_, container)) = cx.index.containers.get(capture.container.value.as_str())
            {
                if let ContainerSpec::Database { port, .. } = &container.spec {
                    source_port = Some(port.value);
                }
            }
        }
        let (source, element) = match node.dataset.as_deref() {
            Some(d) => (
                format!("{store_name}.{d}"),
                Element::Dataset(store_name.to_string(), d.to_string()),
            ),
            None => (
                store_name.to_string(),
                Element::Store(store_name.to_string()),
            ),
        };
        let base = format!("{platform}-{source}-batch");
        let generated = names::shorten(&names::kubernetes(&base), &base, CRONJOB_NAME_LIMIT, '-');
        let span = match node.dataset.as_deref() {
            Some(d) => cx
                .index
                .dataset(store_name, d)
                .map(|d| d.name.span)
                .unwrap_or(store.name.span),
            None => store.name.span,
        };
        spans.entry(source.clone()).or_insert(span);
        let name = match taken.claim(&source, generated.clone()) {
            Ok(n) => n,
            Err(c) => {
                diags.push(codes::collision(
                    &c,
                    platform,
                    spans.get(&c.first).copied(),
                    span,
                ));
                generated
            }
        };
        let trigger = capture.trigger.value.trim();
        let (schedule, suspend) = if trigger == "external" {
            (EXTERNAL_SCHEDULE.to_string(), true)
        } else {
            (trigger.to_string(), false)
        };
        out.push(BatchJob {
            node: node.key.clone(),
            name,
            schedule,
            suspend,
            credentials,
            source_port,
            element,
        });
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// DS136 when the platform deploys with strimzi, has batch work and no `batch_image`.
pub fn image_problem(cx: &RenderContext, s: &Settings, jobs: &[BatchJob]) -> Option<Diagnostic> {
    if s.deployment != Deployment::Strimzi || s.batch_image.is_some() || jobs.is_empty() {
        return None;
    }
    Some(
        Diagnostic::new(
            &DS136,
            format!(
                "platform `{}` (kafka-connect) has no `batch_image` setting, and {} of its \
                 ingest nodes need a merge job (e.g. `{}`)",
                cx.platform.name.value,
                jobs.len(),
                jobs[0].node
            ),
        )
        .at(cx.platform.name.span)
        .help(
            "add `batch_image = ...` to the platform's `settings` block: an image with `dsgen` on \
             its PATH and the model at `/model`, which the batch CronJobs run \
             (docs/targets/kafka-connect.md)",
        ),
    )
}

/// The lint side of the merge jobs, which needs the placement: DS136 for every strimzi
/// kafka-connect platform that has batch work and no `batch_image` ([`image_problem`]), and
/// DS502 for every node whose job would pull from a database `dsgen batch` cannot read
/// ([`pull_problems`]). Graphs are built only when a platform lacks the image or a store is
/// pulled from such a database, so most models pay nothing.
pub fn placement_problems(
    model: &crate::model::Model,
    index: &crate::model::index::ModelIndex,
    placement: &crate::broker::Placement,
) -> Vec<Diagnostic> {
    let unpullable_stores = index.datastores.values().any(|s| {
        s.item
            .capture
            .as_ref()
            .is_some_and(|c| unpullable(index, c).is_some())
    });
    let candidates: Vec<(&crate::model::Platform, Settings)> = model
        .platforms
        .iter()
        .filter(|p| p.target.value == crate::model::Target::KafkaConnect)
        .filter_map(|p| Some((p, super::settings::resolve(p, index).ok()?)))
        .filter(|(_, s)| {
            unpullable_stores || (s.deployment == Deployment::Strimzi && s.batch_image.is_none())
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let graphs = crate::graph::build(index, placement);
    let mut out = Vec::new();
    for (platform, s) in candidates {
        let Some(graph) = graphs.platform(&platform.name.value) else {
            continue;
        };
        let cx = RenderContext {
            model,
            index,
            platform,
            graph,
            placement,
            inventory: false,
        };
        if unpullable_stores {
            out.extend(pull_problems(&cx));
        }
        if s.deployment != Deployment::Strimzi || s.batch_image.is_some() {
            continue;
        }
        // A CronJob name collision is reported by render (DS501); here only the image matters.
        let found = match jobs(&cx, &s) {
            Ok(j) => j,
            Err(_) => continue,
        };
        out.extend(image_problem(&cx, &s, &found));
    }
    out
}

/// The engine of a `snapshot` or `watermark` capture's container when `dsgen batch` cannot
/// pull from it (anything but PostgreSQL).
fn unpullable(
    index: &crate::model::index::ModelIndex,
    capture: &crate::model::Capture,
) -> Option<&'static str> {
    if !matches!(
        capture.kind.value,
        CaptureKind::Snapshot | CaptureKind::Watermark
    ) {
        return None;
    }
    let (_, container) = index.containers.get(capture.container.value.as_str())?;
    match container.kind.value {
        ContainerKind::Database(DbEngine::Postgres) => None,
        kind @ ContainerKind::Database(_) => Some(kind.as_str()),
        _ => None,
    }
}

/// DS502 for each ingest node of the platform whose merge job would pull from a database
/// `dsgen batch` cannot read, at the store's capture `kind`.
fn pull_problems(cx: &RenderContext) -> Vec<Diagnostic> {
    let platform = cx.platform.name.value.as_str();
    let mut out = Vec::new();
    let mut reported = BTreeSet::new();
    for CapturedIngest {
        node,
        store_name,
        capture,
        ..
    } in captured_ingests(cx.index, cx.graph)
    {
        let Some(engine) = unpullable(cx.index, capture) else {
            continue;
        };
        // Once per store: a single_dataset capture has a node (and a job) per dataset.
        if datasets_of(cx, node).is_empty() || !reported.insert(store_name) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &codes::DS502,
                format!(
                    "platform `{platform}` pulls store `{store_name}` (`{}` capture) from {engine} \
                     container `{}`, but `dsgen batch` pulls only from PostgreSQL: the merge job \
                     of node `{}`{} will stop with exit 2 at every run, and no data of \
                     `{store_name}` will reach the platform",
                    capture.kind.value.as_str(),
                    capture.container.value,
                    node.key,
                    if node.dataset.is_some() {
                        ", and that of each other dataset's node,"
                    } else {
                        ""
                    },
                ),
            )
            .at(capture.kind.span)
            .help(format!(
                "capture `{store_name}` with `kind = \"cdc\"` (Debezium reads {engine}), or \
                 pull it from a PostgreSQL copy of the source (docs/milestoning.md)"
            )),
        );
    }
    out
}

fn labels(s: &Settings) -> Value {
    json!({
        "app.kubernetes.io/component": "batch",
        "app.kubernetes.io/managed-by": "dsgen",
        "app.kubernetes.io/part-of": s.connect_cluster,
    })
}

/// The batch pods' ServiceAccount: `<cluster>-batch`.
pub fn service_account_name(s: &Settings) -> String {
    names::kubernetes(&format!("{}-batch", s.connect_cluster))
}

/// The batch pods' NetworkPolicy: `<cluster>-batch-egress`.
pub fn network_policy_name(s: &Settings) -> String {
    names::kubernetes(&format!("{}-batch-egress", s.connect_cluster))
}

/// `dsgen batch`'s arguments for one node (DESIGN.md, "Commands").
pub fn args(platform: &str, job: &BatchJob) -> Vec<String> {
    [
        "batch",
        "--platform",
        platform,
        "--node",
        &job.node,
        "--model-dir",
        MODEL_DIR,
    ]
    .map(str::to_string)
    .to_vec()
}

/// The CronJob of one node.
pub fn cron_job(s: &Settings, platform: &str, job: &BatchJob) -> Value {
    let mut env = Vec::new();
    for credential in &job.credentials {
        let prefix = env_name(credential);
        for key in ["username", "password"] {
            env.push(json!({
                "name": format!("{prefix}_{}", key.to_ascii_uppercase()),
                "valueFrom": {"secretKeyRef": {"name": secret_name(credential), "key": key}},
            }));
        }
    }
    let exit_codes = |operator: &str, values: &[u8]| json!({"containerName": CONTAINER, "operator": operator, "values": values});
    let container = json!({
        "name": CONTAINER,
        "image": s.batch_image.clone().unwrap_or_default(),
        "command": ["dsgen"],
        "args": args(platform, job),
        "env": env,
        "resources": {
            "requests": {"cpu": s.batch_cpu_request, "memory": s.batch_memory_request},
            "limits": {"cpu": s.batch_cpu_limit, "memory": s.batch_memory_limit},
        },
        "securityContext": {
            "allowPrivilegeEscalation": false,
            "readOnlyRootFilesystem": true,
            "runAsNonRoot": true,
            "capabilities": {"drop": ["ALL"]},
        },
    });
    let pod = json!({
        "metadata": {"labels": labels(s)},
        "spec": {
            "serviceAccountName": service_account_name(s),
            "automountServiceAccountToken": false,
            "restartPolicy": "Never",
            "securityContext": {
                "runAsNonRoot": true,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": [container],
        },
    });
    let rules = json!([
        // More work: replace the pod at once, not counted against backoffLimit.
        {"action": "Ignore", "onExitCodes": exit_codes("In", &[1])},
        // An error: fail the Job; a batch that reported one is not retried blindly.
        {"action": "FailJob", "onExitCodes": exit_codes("NotIn", &[0, 1])},
        // Evicted or preempted: not the job's fault.
        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
    ]);
    json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {
            "name": job.name,
            "namespace": s.namespace,
            "labels": labels(s),
            "annotations": {"dsgen.io/node": job.node, "dsgen.io/platform": platform},
        },
        "spec": {
            "schedule": job.schedule,
            "timeZone": "Etc/UTC",
            "suspend": job.suspend,
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 300,
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {
                "metadata": {"labels": labels(s)},
                "spec": {
                    "backoffLimit": 2,
                    "activeDeadlineSeconds": s.batch_deadline_seconds,
                    "podFailurePolicy": {"rules": rules},
                    "template": pod,
                },
            },
        },
    })
}

/// The ServiceAccount of the batch pods: no API token (the job never calls the API server).
pub fn service_account(s: &Settings) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": service_account_name(s), "namespace": s.namespace, "labels": labels(s)},
        "automountServiceAccountToken": false,
    })
}

/// Egress of the batch pods: the merge database, the source databases of snapshot and watermark
/// captures, DNS; no ingress at all.
pub fn network_policy(s: &Settings, jobs: &[BatchJob]) -> Value {
    let mut tcp: BTreeSet<u16> = jobs.iter().filter_map(|j| j.source_port).collect();
    tcp.insert(s.merge_port);
    let ports = super::strimzi::egress_ports(tcp);
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": network_policy_name(s), "namespace": s.namespace, "labels": labels(s)},
        "spec": {
            "podSelector": {"matchLabels": {
                "app.kubernetes.io/component": "batch",
                "app.kubernetes.io/part-of": s.connect_cluster,
            }},
            "policyTypes": ["Ingress", "Egress"],
            "egress": [{"ports": ports}],
        },
    })
}

/// Path of a node's CronJob file, relative to the platform's directory.
pub fn cron_job_path(job: &BatchJob) -> String {
    format!("batch/{}.yaml", job.name)
}

pub const SERVICE_ACCOUNT_PATH: &str = "batch/service-account.yaml";
pub const NETWORK_POLICY_PATH: &str = "batch/network-policy.yaml";

/// The inventory of the batch deployment: (kind, name, file, spec, element).
pub fn resources(
    s: &Settings,
    platform: &str,
    jobs: &[BatchJob],
) -> Vec<(ResourceKind, String, String, Value, Option<Element>)> {
    let mut out: Vec<_> = jobs
        .iter()
        .map(|j| {
            (
                ResourceKind::ScheduledJob,
                j.name.clone(),
                cron_job_path(j),
                cron_job(s, platform, j),
                Some(j.element.clone()),
            )
        })
        .collect();
    out.push((
        ResourceKind::AccessControl,
        service_account_name(s),
        SERVICE_ACCOUNT_PATH.to_string(),
        service_account(s),
        None,
    ));
    out.push((
        ResourceKind::NetworkPolicy,
        network_policy_name(s),
        NETWORK_POLICY_PATH.to_string(),
        network_policy(s, jobs),
        None,
    ));
    out
}
