"""Handlers for the Python runtime tests."""


def handler(event, context):
    remaining = context.get_remaining_time_in_millis()
    return {
        "event": event,
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_plausible": 0 < remaining <= 30000,
    }


class ValidationError(Exception):
    pass


def fails(event, context):
    raise ValidationError("name is required: %s" % event.get("name"))


def decimals(event, context):
    # Like a DynamoDB item read with boto3: numbers are Decimals.
    import decimal

    return {"count": decimal.Decimal("12"), "price": decimal.Decimal("1.5"), "big": decimal.Decimal("12345678901234567890")}
