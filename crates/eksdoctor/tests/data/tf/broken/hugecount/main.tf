resource "aws_subnet" "s" {
  count      = 1000000
  vpc_id     = "vpc-1"
  cidr_block = cidrsubnet("10.0.0.0/8", 20, count.index)
}
