# EU / Logistics: warehouse stock, read incrementally by a timestamp watermark.
team "EU" "Logistics" {
  doc = "Warehouses and stock"

  container "postgres" "EUInventoryPG" {
    host      = "inventory.dc2.acme.internal"
    port      = 5432
    database  = "inventory"
    locations = ["Private:onprem/dc2"]
  }

  datastore "EU_Inventory" {
    doc        = "Stock levels per warehouse"
    production = true
    # Each batch reads rows whose updated_at lies in the next half-open range. The watermark
    # column must exist, with the same type, in every dataset of the store.
    capture {
      kind             = "watermark"
      container        = "EUInventoryPG"
      credential       = "inventory_reader"
      consistency      = "multi_dataset"
      trigger          = "0 * * * *"
      watermark_column = "updated_at"
    }

    dataset "stock_levels" {
      classification = ["IP"]
      column "warehouse_id" {
        type     = "int(32)"
        key      = true
        nullable = false
      }
      column "sku" {
        type     = "varchar(32)"
        key      = true
        nullable = false
      }
      column "on_hand" { type = "int(32)" }
      column "reserved_qty" { type = "int(32)" }
      column "updated_at" {
        type     = "timestamp"
        nullable = false
      }
    }

    dataset "warehouses" {
      classification = ["PUB"]
      column "warehouse_id" {
        type     = "int(32)"
        key      = true
        nullable = false
      }
      column "city" { type = "varchar(60)" }
      column "country" { type = "char(2)" }
      column "capacity_m3" { type = "decimal(10,1)" }
      column "updated_at" {
        type     = "timestamp"
        nullable = false
      }
    }
  }
}
