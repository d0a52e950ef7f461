# EU / Web: the web shop (MySQL on Azure), its clickstream (Kafka) and the shop's analytics.
team "EU" "Web" {
  doc = "The EU web shop"

  container "mysql" "EUShopMySQL" {
    host      = "eu-shop.mysql.database.azure.com"
    port      = 3306
    database  = "shop"
    locations = ["Azure:EU/westeurope"]
  }
  container "kafka" "EUKafka" {
    bootstrap_servers = ["kafka-0.eu.acme.internal:9092", "kafka-1.eu.acme.internal:9092"]
    locations         = ["Azure:EU/westeurope"]
  }
  container "azure_sql" "EUAnalyticsSQL" {
    server    = "acme-eu-analytics.database.windows.net"
    database  = "analytics"
    locations = ["Azure:EU/westeurope"]
  }

  datastore "EU_Shop" {
    doc        = "Orders and customers of the EU web shop"
    production = true
    capture {
      kind        = "cdc"
      container   = "EUShopMySQL"
      credential  = "shop_cdc"
      consistency = "multi_dataset"
      trigger     = "*/5 * * * *"
    }

    dataset "orders" {
      classification = ["PC1"]
      column "order_id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
      column "customer_id" { type = "bigint" }
      column "placed_at" { type = "timestamp" }
      column "country" { type = "char(2)" }
      column "total_eur" { type = "decimal(12,2)" }
      column "vat_eur" { type = "decimal(12,2)" }
      column "items" { type = "array(struct<sku: varchar(32), qty: integer>)" }
    }

    dataset "customers" {
      classification = ["PC2"]
      column "customer_id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
      column "email" { type = "varchar(254)" }
      column "country" { type = "char(2)" }
      column "marketing_opt_in" { type = "boolean" }
      column "created_at" { type = "timestamp" }
    }
  }

  # Events from Kafka: one topic per dataset, hence single_dataset consistency.
  datastore "EU_Clickstream" {
    doc  = "Page views and searches on the web shop"
    tags = { domain = "web", tier = "raw" }
    capture {
      kind        = "kafka"
      container   = "EUKafka"
      credential  = "clickstream_reader"
      consistency = "single_dataset"
      trigger     = "*/15 * * * *"
      topics      = {
        page_views = "web.page_views.v1"
        searches   = "web.searches.v1"
      }
    }

    dataset "page_views" {
      classification = ["PC2"]
      primary_key    = ["event_id"]
      partition_key  = ["event_date"]
      column "event_id" {
        type     = "varchar(36)"
        nullable = false
      }
      column "event_date" {
        type     = "date"
        nullable = false
      }
      column "occurred_at" { type = "timestamp(tz)" }
      column "session_id" { type = "varchar(64)" }
      column "url" { type = "varchar(2048)" }
      column "referrer" { type = "varchar(2048)" }
      column "properties" { type = "map(varchar(64), varchar(256))" }
    }

    dataset "searches" {
      classification = ["PC2"]
      primary_key    = ["event_id"]
      partition_key  = ["event_date"]
      column "event_id" {
        type     = "varchar(36)"
        nullable = false
      }
      column "event_date" {
        type     = "date"
        nullable = false
      }
      column "session_id" { type = "varchar(64)" }
      column "search_text" { type = "varchar(500)" }
      column "result_count" { type = "int(32)" }
    }
  }

  workspace "EUShopAnalytics" {
    doc        = "Shop KPIs in Azure SQL, with history for year-on-year comparisons"
    container  = "EUAnalyticsSQL"
    priority   = "high"
    production = true
    dsg "Sales" {
      requirements {
        milestoning = "live_with_history"
        latency     = "hours"
        retention   = "P730D"
      }
      sink "EU_Shop" "orders" {}
      sink "EU_Shop" "customers" {}
      sink "EU_Inventory" "stock_levels" {} # another team's datastore, open to all
    }
  }
}
