locals {
  a = local.b
  b = local.a
}

resource "aws_eks_cluster" "cycle" {
  name    = local.a
  version = "1.34"
  vpc_config {
    subnet_ids = []
  }
}
