import json
import os


def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"fn": "orders", "kind": os.environ.get("KIND"), "shop": os.environ.get("SHOP"),
                            "memory": os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), "path": event["path"]}),
    }
