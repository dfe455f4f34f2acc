module "net" {
  source  = "../modules/net"
  cidr    = "10.20.0.0/16"
  azs     = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  newbits = 9 # /25 per AZ
}

resource "aws_eks_cluster" "this" {
  name    = "local"
  version = "1.34"
  vpc_config {
    subnet_ids              = module.net.private_subnet_ids
    endpoint_public_access  = false
    endpoint_private_access = true
  }
}

resource "aws_eks_node_group" "ng" {
  cluster_name   = aws_eks_cluster.this.name
  node_role_arn  = "arn:aws:iam::111122223333:role/nodes"
  subnet_ids     = module.net.private_subnet_ids
  ami_type       = "AL2023_x86_64_STANDARD"
  instance_types = ["m5.large"]
  scaling_config {
    min_size     = 1
    max_size     = 3
    desired_size = 1
  }
}
