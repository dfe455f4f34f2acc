resource "aws_eks_cluster" "bad" {
  name = "bad"
  vpc_config {
    subnet_ids = [
}
