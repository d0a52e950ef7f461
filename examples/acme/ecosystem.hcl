# Acme's data ecosystem. This file, vendors.hcl and platforms.hcl form the ecosystem region:
# only `owning_repo` may change them. Zones and teams live in their own repos (see zones/).
ecosystem "Acme" {
  owning_repo = "github:acme/data-ecosystem@main"
  live_repo   = "github:acme/data-ecosystem@live" # platforms render from this branch
  doc         = "Acme's data: US sales and billing, the EU web shop, and a research group."

  # Declaring a zone hands it to a repo. The zone's definition (its policies and teams)
  # is in zones/<zone>/governance.hcl and may only be changed from that repo.
  zone "USA" { repo = "github:acme/usa-governance@main" }
  zone "EU" { repo = "github:acme/eu-governance@main" }
  zone "Research" { repo = "github:acme/research-governance@main" }
}
