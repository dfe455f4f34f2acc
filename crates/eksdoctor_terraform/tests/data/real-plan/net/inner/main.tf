resource "terraform_data" "leaf" {
  count = 1
  input = "leaf"
}
output "ids" { value = terraform_data.leaf[*].id }
