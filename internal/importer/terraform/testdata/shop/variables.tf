variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "name" {
  type        = string
  description = "Prefix of every resource name."
}

variable "backend_count" {
  type    = number
  default = 2
}

variable "services" {
  description = "Lambda services behind the load balancer, by name."
  type = map(object({
    path     = string
    priority = number
    memory   = optional(number, 128)
  }))
}

variable "maintenance_header" {
  type    = string
  default = "X-Maintenance"
}
