"""A Python test function: answers with the event's method, path and query."""
import json


def handler(event, context):
    body = json.dumps({"runtime": "python", "method": event["httpMethod"], "path": event["path"],
                       "query": event["queryStringParameters"], "requestId": context.aws_request_id})
    if event["httpMethod"] == "HEAD":
        # As web frameworks answer HEAD: the GET's header fields, its length included, no body.
        return {"statusCode": 200, "headers": {"content-type": "application/json", "content-length": str(len(body))}}
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": body}
