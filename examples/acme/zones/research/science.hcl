# Research / Science: features built from masked US data, a churn model, and an EU sandbox.
team "Research" "Science" {
  doc = "Data science"

  container "snowflake" "SandboxSF" {
    account   = "acme-eu"
    database  = "SANDBOX"
    warehouse = "RESEARCH_XS"
    role      = "RESEARCHER"
    locations = ["Snowflake:EU/eu-central-1"]
  }

  # Written by BuildFeatures: no capture.
  datastore "Customer_Features" {
    doc        = "One feature row per customer, rebuilt nightly"
    production = true
    dataset "features" {
      classification   = ["PC1"]
      storage_policies = ["Pseudonymised"]
      column "customer_id" {
        type     = "varchar(12)"
        key      = true
        nullable = false
      }
      column "orders_90d" { type = "int(32)" }
      column "spend_90d" { type = "decimal(14,2)" }
      column "days_since_last_order" { type = "int(32)" }
      column "embedding" { type = "vector(64)" }
      column "computed_at" { type = "timestamp" }
    }
  }

  # Second link: consumes MaskPII's output (and raw orders), writes Customer_Features.
  workspace "CustomerFeatures" {
    container  = "platform_managed"
    priority   = "medium"
    production = true
    dsg "Inputs" {
      requirements {
        milestoning = "live_with_history"
        latency     = "hours"
      }
      sink "Masked_Customers" "customers" {}
      sink "US_Orders" "orders" {}
    }
    transformer "BuildFeatures" {
      output = "Customer_Features"
      code { image = "acme/customer-features:1.4.0" }
      trigger = "30 2 * * *"
    }
  }

  # End of the chain. The zone's policy already bans PC3 and CPI; this workspace is stricter.
  workspace "ChurnModel" {
    container             = "platform_managed"
    priority              = "low"
    production            = true
    classification_policy = { not_allowed = ["PC2", "PC3", "CPI"] }
    dsg "Training" {
      requirements {
        milestoning = "forensic"
        latency     = "days"
        retention   = "P365D"
      }
      sink "Customer_Features" "features" {}
    }
  }

  # Not production, like the only store it reads: a production mismatch would be a warning.
  workspace "Sandbox" {
    doc       = "Exploration on the EU clickstream"
    container = "SandboxSF"
    priority  = "low"
    dsg "Explore" {
      requirements {
        milestoning = "forensic"
        latency     = "days"
      }
      sink "EU_Clickstream" "page_views" {}
      sink "EU_Clickstream" "searches" {}
    }
  }
}
