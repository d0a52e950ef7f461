# USA / Billing: the general ledger (Oracle), mainframe accounts (a nightly unload into
# PostgreSQL) and finance reporting.
team "USA" "Billing" {
  doc = "General ledger, receivables and the account master"

  container "oracle" "LedgerORA" {
    host      = "ledger.dc1.acme.internal"
    port      = 1521
    database  = "LEDGER"
    locations = ["Private:onprem/dc1"]
  }
  # The mainframe batch unloads the account master from DB2 into this database every night;
  # the merge job pulls it from here (`dsgen batch` pulls snapshots from PostgreSQL only).
  container "postgres" "AccountUnloadPG" {
    host      = "acct-unload.dc1.acme.internal"
    port      = 5432
    database  = "acct_unload"
    locations = ["Private:onprem/dc1"]
  }
  container "postgres" "FinanceReportDB" {
    host      = "finance-reports.dc1.acme.internal"
    port      = 5432
    database  = "finance"
    locations = ["Private:onprem/dc1"]
  }

  datastore "Billing_Ledger" {
    doc        = "General ledger and invoices"
    production = true
    capture {
      kind        = "cdc"
      container   = "LedgerORA"
      credential  = "ledger_cdc"
      consistency = "multi_dataset"
      trigger     = "*/15 * * * *"
      # Oracle (and DB2) captures name the source table of every dataset.
      tables = {
        journal_entries = "GL.JOURNAL_ENTRIES"
        invoices        = "AR.INVOICES"
      }
    }

    dataset "journal_entries" {
      classification   = ["CSI"]
      storage_policies = ["Legal hold"] # an "individual" policy of the USA zone
      partition_key    = ["posted_on"]
      column "entry_id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
      column "ledger_code" { type = "varchar(10)" }
      column "posted_on" {
        type     = "date"
        nullable = false
      }
      column "amount" { type = "decimal(18,2)" }
      column "currency" { type = "char(3)" }
      column "description" { type = "varchar(400)" }
      column "posted_at" { type = "timestamp" }
    }

    dataset "invoices" {
      classification = ["PC1"]
      column "invoice_id" {
        type     = "varchar(20)"
        key      = true
        nullable = false
      }
      column "customer_id" { type = "varchar(12)" }
      column "issued_on" { type = "date" }
      column "due_on" { type = "date" }
      column "amount_due" { type = "decimal(18,2)" }
      column "paid" { type = "boolean" }
    }
  }

  datastore "Mainframe_Accounts" {
    doc        = "Nightly unload of the account master"
    production = true
    capture {
      kind        = "snapshot"
      container   = "AccountUnloadPG"
      credential  = "mainframe_reader"
      consistency = "multi_dataset"
      trigger     = "external" # the mainframe batch signals when the unload is done
      tables      = { accounts = "acct.accounts" }
    }

    dataset "accounts" {
      classification = ["PC2"]
      column "account_no" {
        type     = "char(10)"
        key      = true
        nullable = false
      }
      column "customer_id" { type = "varchar(12)" }
      column "opened_on" { type = "date" }
      column "branch" { type = "smallint" }
      column "balance" { type = "decimal(18,2)" }
      column "overdraft_limit" { type = "decimal(18,2)" }
      column "closed" { type = "boolean" }
    }
  }

  workspace "FinanceReports" {
    doc        = "Month-end close and tax reporting"
    container  = "FinanceReportDB"
    priority   = "critical"
    production = true
    # A qualified entry matches only itself: SSNs (PC3:ssn) are allowed, health data is not.
    classification_policy = { not_allowed = ["PC3:health"] }

    # Moving from YellowLive to ConfluentCloud: see the two assign blocks in platforms.hcl.
    dsg "Ledger" {
      requirements {
        milestoning = "live_only"
        latency     = "minutes"
        retention   = "P2555D"
        regulator   = "SOX"
      }
      sink "Billing_Ledger" "journal_entries" {}
      sink "Billing_Ledger" "invoices" {}
      sink "Mainframe_Accounts" "accounts" {}
    }

    dsg "Customers" {
      requirements {
        milestoning = "live_only"
        latency     = "hours"
      }
      sink "US_Customers" "customers" {} # approved in US_Customers
    }
  }
}
