# Everything a team produces and consumes: owned by the team's repo.
team "Main" "Sales" {
  doc = "The sales team"

  # The operational database we capture changes from.
  container "postgres" "SalesDB" {
    host      = "sales-db.dc1.example.internal"
    port      = 5432
    database  = "sales"
    locations = ["Private:onprem/dc1"]
  }

  # A producer: one dataset, captured by CDC from public.orders in SalesDB.
  datastore "Orders" {
    doc = "Customer orders"
    capture {
      kind        = "cdc"
      container   = "SalesDB"
      credential  = "sales_cdc" # resolved by the platform's credential store
      consistency = "multi_dataset"
      trigger     = "*/5 * * * *"
    }

    dataset "orders" {
      doc            = "One row per order"
      classification = ["PC1"]
      column "order_id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
      column "customer_id" { type = "varchar(10)" }
      column "amount" { type = "decimal(12,2)" }
      column "placed_at" { type = "timestamp" }
    }
  }

  # A consumer: the platform keeps a live copy of the orders in its own merge database.
  workspace "Analytics" {
    doc       = "Order analytics"
    container = "platform_managed"
    priority  = "medium"
    dsg "Live" {
      requirements {
        milestoning = "live_only"
        latency     = "minutes"
      }
      sink "Orders" "orders" {}
    }
  }
}
