variable "k8s_version" {
  type = string
}

variable "public_cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

variable "subnet_bits" {
  type    = number
  default = 8
}

resource "aws_subnet" "nodes" {
  count             = 2
  vpc_id            = "vpc-1"
  cidr_block        = cidrsubnet("10.0.0.0/16", var.subnet_bits, count.index)
  availability_zone = ["eu-west-1a", "eu-west-1b"][count.index]
}

resource "aws_eks_cluster" "this" {
  name    = "vars"
  version = var.k8s_version
  vpc_config {
    subnet_ids             = aws_subnet.nodes[*].id
    endpoint_public_access = true
    public_access_cidrs    = var.public_cidrs
  }
}

resource "aws_eks_node_group" "ng" {
  cluster_name   = aws_eks_cluster.this.name
  node_role_arn  = "arn:aws:iam::111122223333:role/nodes"
  subnet_ids     = aws_subnet.nodes[*].id
  ami_type       = "AL2023_x86_64_STANDARD"
  instance_types = ["m5.large"]
  scaling_config {
    min_size     = 1
    max_size     = 2
    desired_size = 1
  }
}
