variable "cidr" {}
variable "parent" {}
resource "terraform_data" "subnet" {
  count = 2
  input = cidrsubnet(var.cidr, 8, count.index)
}
# Points back at the root module's resources through the module input.
resource "terraform_data" "child" {
  input = var.parent
}
module "inner" {
  source = "./inner"
}
output "ids" { value = terraform_data.subnet[*].id }
output "inner_ids" { value = module.inner.ids }
