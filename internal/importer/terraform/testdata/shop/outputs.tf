output "dns_name" {
  value = aws_lb.main.dns_name
}

output "function_arns" {
  value = { for k, m in module.service : k => m.function_arn }
}
