"""A Python test function: answers with the event's method, path and query."""
import json


def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"runtime": "python", "method": event["httpMethod"], "path": event["path"],
                            "query": event["queryStringParameters"], "requestId": context.aws_request_id}),
    }
