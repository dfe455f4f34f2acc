# The eks module was downloaded by `terraform init`: its code is read instead of the model.
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "init"
  cluster_version = "1.34"
}
