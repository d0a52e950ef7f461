# USA / Sales: order capture, the CRM's customer master, and its masked copy for research.
team "USA" "Sales" {
  doc = "Order capture and the customer master"

  container "postgres" "OrdersPG" {
    host      = "orders.cluster-1.us-east-1.rds.amazonaws.com"
    port      = 5432
    database  = "orders"
    locations = ["AWS:USA/us-east-1"]
  }
  container "sqlserver" "CRM_SQL" {
    host      = "crm.dc1.acme.internal"
    port      = 1433
    database  = "crm"
    locations = ["Private:onprem/dc1"]
  }
  container "postgres" "OpsDB" {
    host      = "ops-dashboard.dc1.acme.internal"
    port      = 5432
    database  = "ops"
    locations = ["Private:onprem/dc1"]
  }

  datastore "US_Orders" {
    doc        = "Orders placed in the US stores and web site"
    production = true
    # No `tables`: the source tables are public.orders and public.order_lines.
    capture {
      kind        = "cdc"
      container   = "OrdersPG"
      credential  = "orders_cdc"
      consistency = "multi_dataset"
      trigger     = "*/5 * * * *"
    }

    dataset "orders" {
      classification = ["PC1"]
      partition_key  = ["order_date"] # partition columns must be NOT NULL
      column "order_id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
      column "customer_id" { type = "varchar(12)" }
      column "order_date" {
        type     = "date"
        nullable = false
      }
      column "status" { type = "varchar(16)" }
      column "total_amount" { type = "decimal(14,2)" }
      column "currency" { type = "char(3)" }
      column "created_at" { type = "timestamp" }
    }

    dataset "order_lines" {
      classification = ["PC1"]
      primary_key    = ["order_id", "line_no"] # a composite key, listed in key order
      column "order_id" {
        type     = "bigint"
        nullable = false
      }
      column "line_no" {
        type     = "integer"
        nullable = false
      }
      column "sku" { type = "varchar(32)" }
      column "quantity" { type = "int(32)" }
      column "unit_price" { type = "decimal(12,4)" }
      column "gift_wrap" { type = "boolean" }
    }
  }

  datastore "US_Customers" {
    doc        = "The CRM's customer master"
    production = true
    capture {
      kind        = "cdc"
      container   = "CRM_SQL"
      credential  = "crm_cdc"
      consistency = "multi_dataset"
      trigger     = "*/10 * * * *"
      tables      = { customers = "crm.Customers" } # not the default dbo.customers
    }

    # Consumers need the owner's approval, one block per (workspace, DSG, dataset).
    require_approval = true
    approval {
      workspace = "MaskCustomers"
      dsg       = "Input"
      dataset   = "customers"
    }
    approval {
      workspace = "FinanceReports"
      dsg       = "Customers"
      dataset   = "customers"
    }

    # Classified column by column instead of as a whole (never both).
    dataset "customers" {
      column "customer_id" {
        type           = "varchar(12)"
        key            = true
        nullable       = false
        classification = ["PC1"]
      }
      column "full_name" {
        type           = "nvarchar(120)"
        classification = ["PC2"]
      }
      column "email" {
        type           = "varchar(254)"
        classification = ["PC2"]
      }
      column "ssn" {
        type           = "char(11)"
        classification = ["PC3:ssn"] # qualified: a policy on "PC3" covers it
      }
      column "address" {
        type           = "struct<street: varchar(120), city: varchar(60), state: char(2), zip: varchar(10)>"
        classification = ["PC2"]
      }
      column "loyalty_member" {
        type           = "boolean"
        classification = ["PUB"]
      }
      column "updated_at" {
        type           = "timestamp"
        classification = ["PUB"]
      }
    }
  }

  # Written by the MaskPII transformer below, so it has no capture of its own.
  datastore "Masked_Customers" {
    doc        = "US_Customers without direct identifiers"
    production = true
    dataset "customers" {
      classification = ["PC1"]
      column "customer_id" {
        type     = "varchar(12)"
        key      = true
        nullable = false
      }
      column "state" { type = "char(2)" }
      column "birth_year" { type = "smallint" }
      column "loyalty_member" { type = "boolean" }
    }
  }

  # First link of the transformer chain: MaskCustomers -> CustomerFeatures -> ChurnModel.
  workspace "MaskCustomers" {
    doc        = "Drops and hashes identifiers so Research can use the customer master"
    container  = "platform_managed"
    priority   = "high"
    production = true
    dsg "Input" {
      requirements {
        milestoning = "live_only"
        latency     = "minutes"
      }
      sink "US_Customers" "customers" {}
    }
    transformer "MaskPII" {
      output = "Masked_Customers"
      code { repo = "github:acme/masking@v2.1" }
    }
  }

  # Sub-minute latency: only the legacy platform offers it, so this DSG pins it.
  workspace "OpsDashboard" {
    doc                   = "Wall screens in the stores; no personal data beyond PC1"
    container             = "OpsDB"
    production            = true
    classification_policy = { not_allowed = ["PC2", "PC3"] }
    dsg "Realtime" {
      platform = "OnPremLegacy"
      requirements {
        milestoning = "live_only"
        latency     = "seconds"
      }
      sink "US_Orders" "orders" {}
      sink "US_Orders" "order_lines" {}
    }
  }
}
