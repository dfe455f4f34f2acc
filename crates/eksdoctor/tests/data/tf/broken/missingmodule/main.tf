# A local module that is not on disk: one error at the call, its outputs unknown (no more errors).
module "net" {
  source = "../../modules/network"
  cidr   = "10.9.0.0/16"
}

resource "aws_eks_cluster" "missing" {
  name     = "missing"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = "1.35"
  vpc_config {
    subnet_ids = module.net.private_subnets
  }
}
