# The USA zone: owned by github:acme/usa-governance. Its vendor, cloud and location policies
# follow US data wherever it is consumed: to the consuming workspace's container and to the
# platforms its DSG is placed on, in any zone.
governance_zone "USA" {
  doc = "US operations: sales, CRM and billing"

  team "Sales" { repo = "github:acme/us-sales-data@main" }
  team "Billing" { repo = "github:acme/us-billing-data@main" }

  policy "vendor" "Approved vendors" { allowed = ["AWS", "Private"] }
  policy "cloud" "No China regions" { not_allowed = ["aws_china", "azure_china", "alibaba"] }
  policy "location" "US data stays in the US" { allowed = ["AWS:USA", "Private:onprem/dc1"] }
  policy "classification" "No inside information" { not_allowed = ["MNPI"] }
  policy "platform" "US platforms" {
    allowed = ["YellowLive", "ConfluentCloud", "AwsLake", "OnPremLegacy"]
  }

  storage_policy "Encrypted at rest" { mandatory = "zone" } # every US dataset
  storage_policy "Legal hold" { mandatory = "individual" } # only datasets that list it
}
