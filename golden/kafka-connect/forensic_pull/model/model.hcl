# Golden case: snapshot and watermark captures pulled by the batch job onto a forensic
# kafka-connect platform: no connectors, only the merge database's sql/.
ecosystem "Golden" {
  owning_repo = "github:golden/eco@main"
  live_repo   = "github:golden/eco@live"
  zone "Z" { repo = "github:golden/z@main" }
}

vendor "Cloud" {
  cloud = "aws"
  location "east" {}
}

governance_zone "Z" {
  team "Shop" { repo = "github:golden/shop@main" }
}

credential_store "secrets" { kind = "kubernetes_secrets" }

container "kafka" "PlatformKafka" {
  bootstrap_servers = ["kafka-0.example.internal:9092", "kafka-1.example.internal:9093"]
  locations         = ["Cloud:east"]
}
container "object_storage" "Landing" {
  bucket    = "golden-landing"
  prefix    = "cdc/"
  endpoint  = "http://minio.example.internal:9000"
  locations = ["Cloud:east"]
}
container "postgres" "Merge" {
  host      = "merge.example.internal"
  port      = 5433
  database  = "merge"
  locations = ["Cloud:east"]
}

platform "Live" {
  target           = "kafka-connect"
  milestoning      = "forensic"
  locations        = ["Cloud:east"]
  credential_store = "secrets"
  settings {
    kafka_container   = "PlatformKafka"
    landing_container = "Landing"
    merge_container   = "Merge"
    merge_credential  = "merge_writer"
    build_image       = "registry.example.internal/golden/connect:1"
    batch_image       = "registry.example.internal/golden/dsgen-batch:1"
  }
}

team "Z" "Shop" {
  container "postgres" "Source" {
    host      = "postgres.example.internal"
    port      = 5432
    database  = "shop"
    locations = ["Cloud:east"]
  }

  datastore "Shop_Orders" {
    capture {
      kind        = "snapshot"
      container   = "Source"
      credential  = "shop_reader"
      consistency = "multi_dataset"
      trigger     = "0 * * * *"
      tables      = { order_lines = "sales.order_lines" }
    }
    dataset "orders" {
      classification = ["PUB"]
      column "id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
      column "amount" { type = "decimal(10,2)" }
      column "placed" { type = "timestamp(tz)" }
    }
    dataset "order_lines" {
      classification = ["PUB"]
      column "order_id" {
        type     = "bigint"
        nullable = false
      }
      column "sku" { type = "varchar(20)" }
    }
  }

  datastore "Shop_Events" {
    capture {
      kind             = "watermark"
      container        = "Source"
      credential       = "shop_reader"
      consistency      = "single_dataset"
      trigger          = "*/15 * * * *"
      watermark_column = "updated_at"
    }
    dataset "events" {
      classification = ["PUB"]
      column "id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
      column "kind" { type = "varchar(20)" }
      column "updated_at" {
        type     = "timestamp"
        nullable = false
      }
    }
  }

  workspace "Reports" {
    container = "platform_managed"
    dsg "Live" {
      requirements { milestoning = "forensic" }
      sink "Shop_Orders" "orders" {}
      sink "Shop_Orders" "order_lines" {}
      sink "Shop_Events" "events" {}
    }
  }
}

assign "Reports" "Live" {
  platform = "Live"
  status   = "provisioned"
}
