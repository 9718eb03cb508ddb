locals {
  prefix = "${var.name}-${terraform.workspace}"
  tags = {
    Project   = var.name
    ManagedBy = "terraform"
  }
  header_routes = {
    beta = { header = "X-Beta", values = ["yes", "true"] }
  }
}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

data "aws_caller_identity" "current" {}

resource "aws_security_group" "alb" {
  name   = "${local.prefix}-alb"
  vpc_id = data.aws_vpc.default.id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "main" {
  name               = local.prefix
  internal           = false
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = data.aws_subnets.default.ids
  idle_timeout       = 30
  tags               = local.tags
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "no route"
      status_code  = "404"
    }
  }
}

module "service" {
  source   = "./modules/lambda_service"
  for_each = var.services

  name         = "${local.prefix}-${each.key}"
  source_dir   = "${path.module}/src/${each.key}"
  listener_arn = aws_lb_listener.http.arn
  path         = each.value.path
  priority     = each.value.priority
  memory       = each.value.memory
  tags         = local.tags
}

resource "aws_lb_listener_rule" "old_orders" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 5

  action {
    type = "redirect"

    redirect {
      path        = "/orders"
      status_code = "HTTP_301"
    }
  }

  condition {
    path_pattern {
      values = ["/old-orders"]
    }
  }
}

resource "aws_lb_listener_rule" "beta" {
  for_each     = local.header_routes
  listener_arn = aws_lb_listener.http.arn

  action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "beta: ${each.key}"
      status_code  = "200"
    }
  }

  dynamic "condition" {
    for_each = [each.value]
    content {
      http_header {
        http_header_name = condition.value.header
        values           = condition.value.values
      }
    }
  }
}
