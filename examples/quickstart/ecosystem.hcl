# Ecosystem-level blocks: owned by `owning_repo`. Platforms run from `live_repo`.
ecosystem "Quickstart" {
  owning_repo = "github:example/quickstart-ecosystem@main"
  live_repo   = "github:example/quickstart-ecosystem@live"
  doc         = "The smallest useful dsgen model: one source table replicated into one workspace."

  # Declaring a zone hands it to its repo; the zone's definition lives in zone.hcl.
  zone "Main" { repo = "github:example/quickstart-zone@main" }
}

# Every location a container or platform uses must be declared under a vendor.
vendor "Private" {
  cloud = "private"
  doc   = "Our own data centre"
  location "onprem" {
    location "dc1" {}
  }
}

# Credentials in the model are names; this store resolves them at run time.
credential_store "k8s" { kind = "kubernetes_secrets" }

# The platform's own infrastructure: its Kafka cluster, the object storage change events land in,
# and the Postgres merge database. The platform's settings name them.
container "kafka" "LocalKafka" {
  bootstrap_servers = ["kafka.dc1.example.internal:9092"]
  locations         = ["Private:onprem/dc1"]
}
container "object_storage" "LocalLanding" {
  bucket    = "landing"
  endpoint  = "http://minio.dc1.example.internal:9000"
  locations = ["Private:onprem/dc1"]
}
container "postgres" "LocalMerge" {
  host      = "merge.dc1.example.internal"
  port      = 5432
  database  = "merge"
  locations = ["Private:onprem/dc1"]
}

# Kafka Connect (Debezium) plus a Postgres merge database, running in dc1.
platform "Local" {
  target           = "kafka-connect"
  milestoning      = "live_only"
  locations        = ["Private:onprem/dc1"]
  credential_store = "k8s"
  doc              = "Private Kafka Connect platform"
  settings { # keys: docs/targets/kafka-connect.md
    kafka_container   = "LocalKafka"
    landing_container = "LocalLanding"
    merge_container   = "LocalMerge"
    merge_credential  = "merge_writer"
    build_image       = "registry.example.internal/kafka/local-connect:1"
    batch_image       = "registry.example.internal/kafka/dsgen-batch:1"
  }
}

# Operators place each workspace's dataset group (DSG) on a platform.
assign "Analytics" "Live" {
  platform = "Local"
  status   = "provisioned"
}
