//! The lint rule registry: one file per rule, one line per rule here.

pub mod capture_container_kind;
pub mod capture_needs_tables;
pub mod capture_unknown_dataset;
pub mod case_duplicate;
pub mod classification_policy;
pub mod contradictory_policy;
pub mod dangling_approval;
pub mod deprecated_sink;
pub mod deprecated_sink_allowed;
pub mod free_name;
pub mod identifier;
pub mod inline_secret;
pub mod invalid_cron;
pub mod invalid_location;
pub mod invalid_policy_entry;
pub mod invalid_repository;
pub mod kafka_capture;
pub mod kafka_connect_settings;
pub mod live_repo;
pub mod location_policy;
pub mod missing_approval;
pub mod mixed_classification;
pub mod nullable_key;
pub mod nullable_partition;
pub mod production_mismatch;
pub mod reserved_container_name;
pub mod reserved_word;
pub mod transformer_output;
pub mod transformer_pin;
pub mod unclassified_dataset;
pub mod unclassified_production;
pub mod undeclared_definition;
pub mod unknown_key_column;
pub mod unknown_storage_policy;
pub mod unresolved_reference;
pub mod watermark_column;

use super::Rule;

/// Every lint rule, in code order.
pub static ALL: &[&Rule] = &[
    &identifier::RULE,
    &reserved_word::RULE,
    &free_name::RULE,
    &case_duplicate::RULE,
    &reserved_container_name::RULE,
    &unresolved_reference::RULE,
    &undeclared_definition::RULE,
    &invalid_location::RULE,
    &invalid_repository::RULE,
    &live_repo::RULE,
    &nullable_key::RULE,
    &unknown_key_column::RULE,
    &nullable_partition::RULE,
    &mixed_classification::RULE,
    &unclassified_dataset::RULE,
    &unclassified_production::RULE,
    &missing_approval::RULE,
    &dangling_approval::RULE,
    &deprecated_sink::RULE,
    &deprecated_sink_allowed::RULE,
    &production_mismatch::RULE,
    &classification_policy::RULE,
    &location_policy::RULE,
    &contradictory_policy::RULE,
    &unknown_storage_policy::RULE,
    &invalid_cron::RULE,
    &watermark_column::RULE,
    &kafka_capture::RULE,
    &transformer_output::RULE,
    &transformer_pin::RULE,
    &inline_secret::RULE,
    &capture_container_kind::RULE,
    &capture_unknown_dataset::RULE,
    &capture_needs_tables::RULE,
    &invalid_policy_entry::RULE,
    &kafka_connect_settings::RULE,
];
