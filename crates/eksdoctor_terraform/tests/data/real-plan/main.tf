# A plan made by Terraform itself, from built-in `terraform_data` resources (no provider to
# download): `terraform init && terraform plan -out=p.out && terraform show -json p.out > plan.json`.
module "net" {
  source   = "./net"
  for_each = toset(["a", "b"])
  cidr     = "10.0.0.0/16"
  parent   = terraform_data.known[*].id
}
resource "terraform_data" "cluster" {
  input = module.net["a"].ids
}
resource "terraform_data" "known" {
  count = 2
  input = "x${count.index}"
}
resource "terraform_data" "deep" {
  input = module.net["b"].inner_ids
}
