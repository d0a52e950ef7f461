# Research consumes US and EU data but only pseudonymised: the classification policy applies to
# every sink of every Research workspace, whichever zone produced the data.
governance_zone "Research" {
  doc = "Data science"

  team "Science" { repo = "github:acme/research-science@main" }

  policy "location" "Research locations" { allowed = ["AWS:USA", "Snowflake:EU"] }
  policy "classification" "Pseudonymised only" { not_allowed = ["PC3", "CPI"] }

  storage_policy "Pseudonymised" { mandatory = "individual" }
}
