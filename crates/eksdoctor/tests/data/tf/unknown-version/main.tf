# Versions the calendar rules cannot judge: they say why with --show-unknown, never guess.
variable "cluster_version" {
  type = string
}

resource "aws_eks_cluster" "typo" {
  name     = "typo"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = "~> 2.23"
  vpc_config {
    subnet_ids = ["subnet-0aaa", "subnet-0bbb"]
  }
}

resource "aws_eks_cluster" "unset" {
  name     = "unset"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = var.cluster_version
  vpc_config {
    subnet_ids = ["subnet-0aaa", "subnet-0bbb"]
  }
}

resource "aws_eks_cluster" "future" {
  name     = "future"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = "1.99"
  vpc_config {
    subnet_ids = ["subnet-0aaa", "subnet-0bbb"]
  }
}
