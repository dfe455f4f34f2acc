module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"
  cluster_name    = "sm"
  cluster_version = "1.34"
  subnet_ids      = ["subnet-a", "subnet-b"]
  self_managed_node_groups = {
    workers = {
      instance_type = "m5.large"
      max_size      = 5
      iam_role_additional_policies = { admin = "arn:aws:iam::aws:policy/AdministratorAccess" }
    }
  }
}
module "karpenter" {
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "~> 20.0"
  cluster_name = module.eks.cluster_name
}
