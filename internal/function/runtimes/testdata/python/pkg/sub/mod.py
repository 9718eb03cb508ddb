"""A handler in a nested package (handler "pkg.sub.mod.handler")."""


def handler(event, context):
    return {"module": __name__, "doubled": event["n"] * 2}


def echo(event, context):
    return event
