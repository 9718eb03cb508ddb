resource "aws_instance" "web" {
  count         = var.backend_count
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  subnet_id     = element(data.aws_subnets.default.ids, count.index)
  tags          = merge(local.tags, { Name = format("%s-web-%d", local.prefix, count.index) })
}

resource "aws_lb_target_group" "web" {
  name     = "${local.prefix}-web"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = data.aws_vpc.default.id

  health_check {
    path    = "/health"
    matcher = "200-299"
  }

  stickiness {
    type    = "lb_cookie"
    enabled = false
  }
}

resource "aws_lb_target_group_attachment" "web" {
  count            = var.backend_count
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.web[count.index].id
  port             = 8080
}

resource "aws_lb_listener_rule" "web" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 100

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }

  condition {
    path_pattern {
      values = ["/web/*", "/static/*"]
    }
  }

  condition {
    http_request_method {
      values = ["GET", "HEAD"]
    }
  }
}
