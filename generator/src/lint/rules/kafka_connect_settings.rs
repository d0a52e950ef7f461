//! DS136 kafka-connect-settings.
//!
//! ## What it does
//! Checks the `settings` of every `kafka-connect` platform: the required keys are present
//! (`kafka_container`, `landing_container`, `merge_container`, `merge_credential`, and
//! `build_image` with the default `strimzi` deployment, `schema_registry_url` with the `avro`
//! converter), each container setting names a declared container of the right kind (`kafka`,
//! `object_storage`, `postgres`), and the platform's credential store has a kind its deployment
//! can read credentials from (`kubernetes_secrets` for strimzi, `env` or `file` for plain). The
//! batch settings must be Kubernetes quantities with limits not below requests, and a strimzi
//! platform with merge work (an ingest node fed by a capture) needs `batch_image`; that last
//! check needs the placement, so `lint::lint` runs it after placement.
//!
//! ## Why is this bad?
//! Rendering a kafka-connect platform needs these to know where Kafka, the landing storage and
//! the merge database are, and how connectors log in. A missing or wrong one would render
//! connectors that cannot start, so the model is rejected before anything is rendered.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::Target;

declare_code!(
    DS136,
    "kafka-connect-settings",
    Lint,
    Error,
    "A kafka-connect platform's settings lack a required key or name a wrong container",
    "A `target = \"kafka-connect\"` platform names its Kafka cluster (`kafka_container`, a \
     `kafka` container), its landing storage (`landing_container`, an `object_storage` \
     container) and its merge database (`merge_container`, a `postgres` container, with \
     `merge_credential`) in its `settings` block; the default `strimzi` deployment also needs \
     `build_image` (and `batch_image` when the platform has merge work), and `converter = \"avro\"` \
     needs `schema_registry_url`. Its credential store \
     must be `kubernetes_secrets` (strimzi) or `env`/`file` (plain). See \
     docs/targets/kafka-connect.md for every key and its default.",
);

pub static RULE: Rule = Rule {
    code: &DS136,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for platform in &cx.model.platforms {
        if platform.target.value != Target::KafkaConnect {
            continue;
        }
        if let Err(problems) = crate::target::kafka_connect::settings::resolve(platform, &cx.index)
        {
            out.extend(problems);
        }
    }
}
