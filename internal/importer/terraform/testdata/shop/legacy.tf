# A function deployed from a zip a build step made, published behind an alias.
resource "aws_lambda_function" "legacy" {
  function_name = "${local.prefix}-legacy"
  filename      = "${path.module}/dist/legacy.zip"
  handler       = "legacy.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/legacy"
  timeout       = 10
  publish       = true
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.legacy.function_name
  function_version = aws_lambda_function.legacy.version
}

resource "aws_lb_target_group" "legacy" {
  name_prefix = "leg-"
  target_type = "lambda"
}

resource "aws_lambda_permission" "legacy" {
  statement_id  = "AllowExecutionFromALB"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.legacy.function_name
  qualifier     = aws_lambda_alias.live.name
  principal     = "elasticloadbalancing.amazonaws.com"
  source_arn    = aws_lb_target_group.legacy.arn
}

resource "aws_lb_target_group_attachment" "legacy" {
  target_group_arn = aws_lb_target_group.legacy.arn
  target_id        = aws_lambda_alias.live.arn
  depends_on       = [aws_lambda_permission.legacy]
}

resource "aws_lb_listener_rule" "legacy" {
  listener_arn = aws_lb_listener.http.arn

  action {
    type = "forward"

    forward {
      target_group {
        arn    = aws_lb_target_group.legacy.arn
        weight = 1
      }
    }
  }

  condition {
    host_header {
      values = ["legacy.*"]
    }
  }

  condition {
    query_string {
      key   = "v"
      value = "1"
    }
    query_string {
      value = "legacy"
    }
  }
}
