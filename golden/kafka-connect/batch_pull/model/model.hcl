# Golden case: the merge job's CronJobs: a snapshot on a cron, a watermark capture per dataset
# (single_dataset) from another database with its own credential, and a cdc capture triggered
# externally (a suspended CronJob).
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
  milestoning      = "live_only"
  locations        = ["Cloud:east"]
  credential_store = "secrets"
  settings {
    kafka_container        = "PlatformKafka"
    landing_container      = "Landing"
    merge_container        = "Merge"
    merge_credential       = "merge_writer"
    build_image            = "registry.example.internal/golden/connect:1"
    batch_image            = "registry.example.internal/golden/dsgen-batch:1"
    batch_memory_limit     = "1Gi"
    batch_deadline_seconds = 900
  }
}

team "Z" "Shop" {
  container "postgres" "Source" {
    host      = "postgres.example.internal"
    port      = 5432
    database  = "shop"
    locations = ["Cloud:east"]
  }
  container "postgres" "Warehouse" {
    host      = "warehouse.example.internal"
    port      = 6432
    database  = "wh"
    locations = ["Cloud:east"]
  }

  datastore "Shop_Products" {
    capture {
      kind        = "snapshot"
      container   = "Source"
      credential  = "shop_reader"
      consistency = "multi_dataset"
      trigger     = "0 3 * * *"
    }
    dataset "products" {
      classification = ["PUB"]
      column "sku" {
        type     = "varchar(20)"
        key      = true
        nullable = false
      }
      column "title" { type = "varchar(200)" }
    }
  }

  datastore "Stock" {
    capture {
      kind             = "watermark"
      container        = "Warehouse"
      credential       = "wh_reader"
      consistency      = "single_dataset"
      trigger          = "*/30 * * * *"
      watermark_column = "updated_at"
    }
    dataset "levels" {
      classification = ["PUB"]
      column "sku" {
        type     = "varchar(20)"
        key      = true
        nullable = false
      }
      column "qty" { type = "integer" }
      column "updated_at" {
        type     = "timestamp"
        nullable = false
      }
    }
    dataset "moves" {
      classification = ["PUB"]
      column "id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
      column "updated_at" {
        type     = "timestamp"
        nullable = false
      }
    }
  }

  datastore "Shop_Orders" {
    capture {
      kind        = "cdc"
      container   = "Source"
      credential  = "shop_cdc"
      consistency = "multi_dataset"
      trigger     = "external"
    }
    dataset "orders" {
      classification = ["PUB"]
      column "id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
      column "amount" { type = "decimal(10,2)" }
    }
  }

  workspace "Reports" {
    container = "platform_managed"
    dsg "Live" {
      sink "Shop_Products" "products" {}
      sink "Stock" "levels" {}
      sink "Stock" "moves" {}
      sink "Shop_Orders" "orders" {}
    }
  }
}

assign "Reports" "Live" {
  platform = "Live"
  status   = "provisioned"
}
