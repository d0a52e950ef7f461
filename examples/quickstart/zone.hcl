# The zone's own definition: owned by the zone's repo. It declares the teams it governs.
governance_zone "Main" {
  doc = "Everything in this quickstart"

  team "Sales" { repo = "github:example/quickstart-sales@main" }
}
