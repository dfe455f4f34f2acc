locals { v = format("%.65536f", 1) }
resource "aws_eks_cluster" "c" { name = local.v }
