import json
import os


def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({
            "function": os.environ["AWS_LAMBDA_FUNCTION_NAME"],
            "arn": context.invoked_function_arn,
            "path": event["path"],
        }),
    }
