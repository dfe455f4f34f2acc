resource "aws_eks_cluster" "good" {
  name    = "good"
  version = "1.34"
  vpc_config {
    subnet_ids             = ["subnet-1", "subnet-2"]
    endpoint_public_access = true
  }
}
