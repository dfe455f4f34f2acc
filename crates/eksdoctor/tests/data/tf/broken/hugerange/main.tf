locals {
  many = range(1e9)
}

resource "aws_subnet" "s" {
  count      = length(local.many)
  vpc_id     = "vpc-1"
  cidr_block = "10.0.0.0/24"
}
