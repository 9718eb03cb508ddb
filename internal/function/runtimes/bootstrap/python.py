"""Albatross bootstrap for the python3.9 .. python3.13 runtimes.

It implements the Lambda Runtime API loop (aws-apis-spec B.1) with the standard library only:
import the handler named by argv[1] (or _HANDLER) relative to LAMBDA_TASK_ROOT, then forever GET
/runtime/invocation/next, call the handler and POST /response or /error. Import failures go to
/runtime/init/error and end the process with status 1. Errors use the Python runtime's shape
{"errorMessage","errorType","requestId","stackTrace"} and AWS's Runtime.* error types.
Must stay compatible with Python 3.9.
"""

import http.client
import importlib
import json
import math
import os
import sys
import time

API_PREFIX = "/2018-06-01/runtime"


class Fault(Exception):
    """Fault is an error the runtime itself reports, with one of AWS's Runtime.* types."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


# ---- Runtime API client: one keep-alive connection -------------------------------------------


class RuntimeAPI:
    def __init__(self, host_port):
        host, _, port = host_port.rpartition(":")
        self.host = host.strip("[]")
        self.port = int(port)
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        # Retry once when the server closed the idle keep-alive connection before reading ours.
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port)
            reused = self.conn.sock is not None
            try:
                self.conn.request(method, API_PREFIX + path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                return resp.status, resp.headers, resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if not reused or attempt == 1:
                    raise

    def post(self, path, body, headers):
        status, _, data = self.request("POST", path, body, headers)
        if status != 202:
            sys.stderr.write("albatross runtime: POST %s answered %d: %r\n" % (path, status, data))

    def post_error(self, path, error):
        # Header values must be printable ASCII; the body keeps the exact type.
        error_type = "".join(c for c in error["errorType"] if " " <= c <= "~") or "Unhandled"
        headers = {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_type}
        log_error(error)
        self.post(path, to_json(error).encode("utf-8"), headers)


# ---- Marshalling ------------------------------------------------------------------------------


def _default(obj):
    # AWS's runtime writes Decimals as JSON numbers; the standard library cannot emit raw
    # numbers, so integral values stay exact and others become floats. The decimal module is
    # not imported here for every cold start: a Decimal exists only if the function imported it.
    decimal = sys.modules.get("decimal")
    if decimal is not None and isinstance(obj, decimal.Decimal):
        if obj.is_nan():
            return math.nan
        if obj == obj.to_integral_value():
            return int(obj)
        return float(obj)
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


def to_json(obj):
    # AWS's python3.12 runtime alone leaves non-ASCII characters unescaped.
    ascii_only = os.environ.get("AWS_EXECUTION_ENV") != "AWS_Lambda_python3.12"
    return json.dumps(obj, default=_default, ensure_ascii=ascii_only)


def marshal_response(result):
    if isinstance(result, bytes):
        return result, "application/unknown"
    try:
        return to_json(result).encode("utf-8"), "application/json"
    except Exception as e:
        raise Fault("Runtime.MarshalError", "Unable to marshal response: %s" % e)


def unmarshal_event(body, content_type):
    if content_type not in (None, "", "application/json"):
        return body
    try:
        return json.loads(body)
    except Exception as e:
        raise Fault("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % e)


# ---- Errors -----------------------------------------------------------------------------------


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": stack_trace or [],
    }


def user_frames(tb):
    # Drop the bootstrap's own frames, as AWS's runtime does. traceback is imported on the first
    # error rather than by every cold start.
    import traceback

    frames = traceback.extract_tb(tb)
    while frames and os.path.abspath(frames[0].filename) == os.path.abspath(__file__):
        frames = frames[1:]
    return traceback.format_list(frames)


def log_error(error):
    line = "[ERROR] %s: %s" % (error["errorType"], error["errorMessage"])
    trace = "".join(error["stackTrace"])
    if trace:
        line += "\rTraceback (most recent call last):\r" + trace.replace("\n", "\r")
    sys.stdout.write(line.rstrip("\r") + "\n")


# ---- Handler loading --------------------------------------------------------------------------


def load_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e))
    if modname.split(".")[0] in sys.builtin_module_names:
        raise Fault("Runtime.BuiltInModuleConflict", "Cannot use built-in module %s as a handler module" % modname)
    try:
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (modname, e), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fname, modname))


# ---- Context ----------------------------------------------------------------------------------


class _Fields(object):
    def __init__(self, fields, values):
        for f in fields:
            setattr(self, f, (values or {}).get(f))

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, vars(self))


class CognitoIdentity(_Fields):
    pass


class Client(_Fields):
    pass


class ClientContext(_Fields):
    pass


def _json_header(value, name):
    if not value:
        return None
    try:
        return json.loads(value)
    except Exception as e:
        raise Fault("Runtime.LambdaContextUnmarshalError", "Unable to parse %s JSON: %s" % (name, e))


class LambdaContext(object):
    """LambdaContext carries the fields of AWS's Python context object."""

    def __init__(self, headers):
        env = os.environ
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.tenant_id = headers.get("Lambda-Runtime-Aws-Tenant-Id")
        cognito = _json_header(headers.get("Lambda-Runtime-Cognito-Identity"), "Cognito Identity")
        self.identity = CognitoIdentity(["cognito_identity_id", "cognito_identity_pool_id"], {
            "cognito_identity_id": (cognito or {}).get("cognitoIdentityId"),
            "cognito_identity_pool_id": (cognito or {}).get("cognitoIdentityPoolId"),
        })
        client_context = _json_header(headers.get("Lambda-Runtime-Client-Context"), "Client Context")
        self.client_context = None
        if client_context is not None:
            self.client_context = ClientContext(["custom", "env", "client"], client_context)
            self.client_context.client = Client(
                ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"],
                client_context.get("client"),
            ) if client_context.get("client") is not None else None
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, msg):
        sys.stdout.write(str(msg))


# ---- Loop -------------------------------------------------------------------------------------


def handle(api, handler, headers, body):
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    try:
        context = LambdaContext(headers)
        event = unmarshal_event(body, headers.get("Content-Type"))
        payload, content_type = marshal_response(handler(event, context))
    except Fault as f:
        error = make_error(f.message, f.error_type, f.trace, request_id)
    except Exception as e:
        error = make_error(str(e), type(e).__name__, user_frames(sys.exc_info()[2]), request_id)
    else:
        api.post("/invocation/%s/response" % request_id, payload, {"Content-Type": content_type})
        return
    api.post_error("/invocation/%s/error" % request_id, error)


def main():
    # print() output reaches the logs line by line, as in Lambda.
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    # The handler's modules resolve from the task root, not from the bootstrap's folder.
    sys.path[0] = task_root
    api = RuntimeAPI(os.environ["AWS_LAMBDA_RUNTIME_API"])
    handler_name = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("_HANDLER", "")
    try:
        handler = load_handler(handler_name)
    except Fault as f:
        api.post_error("/init/error", make_error(f.message, f.error_type, f.trace))
        sys.exit(1)
    except Exception as e:
        api.post_error("/init/error", make_error(str(e), type(e).__name__, user_frames(sys.exc_info()[2])))
        sys.exit(1)
    while True:
        status, headers, body = api.request("GET", "/invocation/next")
        if status != 200:
            sys.stderr.write("albatross runtime: GET /invocation/next answered %d: %r\n" % (status, body))
            sys.exit(1)
        handle(api, handler, headers, body)


if __name__ == "__main__":
    main()
