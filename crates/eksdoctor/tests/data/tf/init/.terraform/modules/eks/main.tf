# A stand-in for the downloaded module code (what modules.json points at).
variable "cluster_name" {
  type = string
}

variable "cluster_version" {
  type = string
}

resource "aws_eks_cluster" "this" {
  count   = 1
  name    = var.cluster_name
  version = var.cluster_version
  enabled_cluster_log_types = []
  vpc_config {
    subnet_ids             = ["subnet-a", "subnet-b"]
    endpoint_public_access = true
  }
}

output "cluster_name" {
  value = aws_eks_cluster.this[0].name
}
