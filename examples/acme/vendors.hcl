# Every location used by a container or a platform must be declared here, step by step.
# Zone policies match a location and everything under it: "AWS:USA" covers "AWS:USA/us-east-1".

vendor "AWS" {
  cloud = "aws"
  location "USA" {
    location "us-east-1" {}
    location "us-west-2" {}
  }
  location "EU" {
    location "eu-central-1" {}
  }
}

vendor "Azure" {
  cloud = "azure"
  location "EU" {
    location "westeurope" {}
    location "northeurope" {}
  }
}

# Snowflake is its own vendor (a separate contract) although it runs on AWS, hence cloud "aws".
vendor "Snowflake" {
  cloud = "aws"
  location "EU" {
    location "eu-central-1" {}
  }
}

vendor "Private" {
  cloud = "private"
  doc   = "Acme's own data centres"
  location "onprem" {
    location "dc1" { doc = "Newark, New Jersey" }
    location "dc2" { doc = "Frankfurt, Germany" }
  }
}
