variable "cidr" {
  type = string
}

variable "azs" {
  type = list(string)
}

variable "newbits" {
  type    = number
  default = 4
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_hostnames = true
}

resource "aws_subnet" "private" {
  for_each          = { for i, az in var.azs : az => i }
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, var.newbits, each.value)
  availability_zone = each.key
}

output "private_subnet_ids" {
  value = [for s in aws_subnet.private : s.id]
}
