# The EU zone: EU data stays on EU locations of approved vendors, and no special-category
# personal data (PC3) may be consumed by EU workspaces.
governance_zone "EU" {
  doc = "The EU web shop and logistics"

  team "Web" { repo = "github:acme/eu-web-data@main" }
  team "Logistics" { repo = "github:acme/eu-logistics-data@main" }

  policy "vendor" "EU vendors" { allowed = ["Azure", "Snowflake", "Private"] }
  policy "cloud" "EU clouds" { allowed = ["azure", "aws", "private"] } # Snowflake runs on aws
  policy "location" "EU residency" {
    allowed = ["Azure:EU", "Snowflake:EU", "Private:onprem/dc2"]
  }
  policy "classification" "No special categories" { not_allowed = ["PC3"] }
  policy "platform" "EU platforms" { allowed = ["AzureEU", "SnowflakeEU"] }

  storage_policy "GDPR erasure" { mandatory = "zone" }
}
