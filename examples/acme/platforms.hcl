# Platforms, where they run and how they find credentials; then the operators' placement of
# every dataset group (DSG) that needs one. All of this is ecosystem-owned.

credential_store "k8s" { kind = "kubernetes_secrets" }
credential_store "aws_sm" { kind = "aws_secrets_manager" }
credential_store "akv" { kind = "azure_key_vault" }
credential_store "env_vars" { kind = "env" }

# YellowLive's own infrastructure in dc1: its Kafka cluster, the MinIO landing bucket and the
# merge database. Its settings name them (docs/targets/kafka-connect.md).
container "kafka" "YellowKafka" {
  bootstrap_servers = ["kafka-0.dc1.acme.internal:9092", "kafka-1.dc1.acme.internal:9092"]
  locations         = ["Private:onprem/dc1"]
}
container "object_storage" "YellowLanding" {
  bucket    = "yellow-landing"
  prefix    = "cdc"
  endpoint  = "http://minio.dc1.acme.internal:9000"
  locations = ["Private:onprem/dc1"]
}
container "postgres" "YellowMerge" {
  host      = "yellow-merge.dc1.acme.internal"
  port      = 5432
  database  = "yellow"
  locations = ["Private:onprem/dc1"]
}

platform "YellowLive" {
  target           = "kafka-connect"
  milestoning      = "live_only"
  locations        = ["Private:onprem/dc1"]
  credential_store = "k8s"
  doc              = "Debezium on Strimzi in dc1, merging into a Postgres merge database"
  settings {
    kafka_container    = "YellowKafka"
    landing_container  = "YellowLanding"
    merge_container    = "YellowMerge"
    merge_credential   = "yellow_merge_writer"
    landing_credential = "yellow_landing"
    namespace          = "yellow"
    build_image        = "registry.dc1.acme.internal/yellow/connect:1"
    batch_image        = "registry.dc1.acme.internal/yellow/dsgen-batch:1"
    replicas           = 2
  }
}

platform "ConfluentCloud" {
  target           = "confluent"
  milestoning      = "live_only"
  locations        = ["AWS:USA/us-east-1"]
  credential_store = "aws_sm"
  doc              = "Managed connectors; replacing YellowLive for the billing feeds"
}

platform "AwsLake" {
  target           = "aws"
  milestoning      = "forensic" # serves live_only, forensic and live_with_history
  locations        = ["AWS:USA/us-east-1"]
  credential_store = "aws_sm"
  doc              = "DMS + Glue + Iceberg lake in us-east-1"
}

platform "AzureEU" {
  target           = "azure"
  milestoning      = "forensic"
  locations        = ["Azure:EU/westeurope"]
  credential_store = "akv"
  doc              = "ADLS/Delta lake for the EU zone"
}

platform "SnowflakeEU" {
  target           = "snowflake"
  milestoning      = "forensic"
  locations        = ["Snowflake:EU/eu-central-1"]
  credential_store = "aws_sm"
  doc              = "Snowflake in Frankfurt, landing Kafka topics"
}

# Governance only: dsgen checks what the old on-prem replication serves but renders nothing.
# It is the only target without a latency floor, so the `seconds` dashboard stays here.
platform "OnPremLegacy" {
  target           = "legacy"
  milestoning      = "forensic"
  locations        = ["Private:onprem/dc1"]
  credential_store = "env_vars"
}

# Billing's ledger feed is moving from YellowLive to Confluent Cloud: both assignments exist
# while the new one is provisioned; the old one goes to "decommissioned" once it has caught up.
assign "FinanceReports" "Ledger" {
  platform = "YellowLive"
  status   = "decommissioning"
}
assign "FinanceReports" "Ledger" {
  platform = "ConfluentCloud"
  status   = "provisioning"
}
assign "FinanceReports" "Customers" {
  platform = "YellowLive"
  status   = "provisioned"
}

# The transformer chain MaskCustomers -> CustomerFeatures -> ChurnModel runs on AwsLake.
# The two transformer workspaces would be pulled onto AwsLake by ChurnModel anyway; assigning
# them keeps the placement explicit. (They must never *pin* a platform.)
assign "MaskCustomers" "Input" {
  platform = "AwsLake"
  status   = "provisioned"
}
assign "CustomerFeatures" "Inputs" {
  platform = "AwsLake"
  status   = "provisioned"
}
assign "ChurnModel" "Training" {
  platform = "AwsLake"
  status   = "provisioned"
}

assign "EUShopAnalytics" "Sales" {
  platform = "AzureEU"
  status   = "provisioned"
}
assign "Sandbox" "Explore" {
  platform = "SnowflakeEU"
  status   = "provisioned"
}
# OpsDashboard's DSG pins OnPremLegacy itself (zones/usa/sales.hcl), so it has no assign block.

# US_Customers is consumed on YellowLive and on AwsLake, but the CRM's SQL Server gets only one
# CDC reader: AwsLake ingests it from YellowLive's merge tables.
primary_ingestion "US_Customers" { platforms = ["YellowLive"] }
