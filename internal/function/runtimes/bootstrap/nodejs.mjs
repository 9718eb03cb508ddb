// Albatross bootstrap for the nodejs18.x / nodejs20.x / nodejs22.x runtimes.
//
// It implements the Lambda Runtime API loop (aws-apis-spec B.1) with Node's standard library
// only: load the handler named by argv[2] (or _HANDLER) from LAMBDA_TASK_ROOT, then forever GET
// /runtime/invocation/next, call the handler and POST /response or /error. Load failures go to
// /runtime/init/error and end the process. Errors use the Node.js runtime's shape
// {"errorType","errorMessage","trace"} and the Runtime.* error types of AWS's runtime.
// Must stay compatible with Node 18.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const API_PREFIX = '/2018-06-01/runtime';

// Exit codes of AWS's Node.js runtime interface client for fatal errors.
const EXIT_UNCAUGHT_EXCEPTION = 129;
const EXIT_UNHANDLED_REJECTION = 128;
const EXIT_INIT_ERROR = 1;

// ---- Runtime API client: one keep-alive connection ----------------------------------------

const [apiHost, apiPort] = splitHostPort(process.env.AWS_LAMBDA_RUNTIME_API || '');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function splitHostPort(hostPort) {
  const i = hostPort.lastIndexOf(':');
  if (i < 0) {
    return [hostPort, 80];
  }
  return [hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1'), Number(hostPort.slice(i + 1))];
}

function send(method, urlPath, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: apiHost, port: apiPort, method, path: API_PREFIX + urlPath, agent, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (err) => {
      err.reusedSocket = req.reusedSocket;
      reject(err);
    });
    req.end(body);
  });
}

// request retries once when the server closed the idle keep-alive socket before reading our
// request (the race Node's documentation describes for reused sockets).
async function request(method, urlPath, body, headers = {}) {
  try {
    return await send(method, urlPath, body, headers);
  } catch (err) {
    if (err.reusedSocket && err.code === 'ECONNRESET') {
      return send(method, urlPath, body, headers);
    }
    throw err;
  }
}

async function post(urlPath, body, headers) {
  const res = await request('POST', urlPath, body, headers);
  if (res.status !== 202) {
    console.error(`albatross runtime: POST ${urlPath} answered ${res.status}: ${res.body}`);
  }
}

function errorHeaders(response) {
  // Header values must be printable ASCII; the body keeps the exact type.
  const type = String(response.errorType).replace(/[^\x20-\x7e]/g, '') || 'Unhandled';
  return { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': type };
}

function postError(urlPath, err) {
  const response = toErrorResponse(err);
  console.error(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\tERROR\tInvoke Error \t${JSON.stringify(response)}`);
  return post(urlPath, JSON.stringify(response), errorHeaders(response));
}

// ---- Errors ---------------------------------------------------------------------------------

function runtimeError(kind) {
  const cls = class extends Error {};
  Object.defineProperty(cls.prototype, 'name', { value: `Runtime.${kind}` });
  return cls;
}
const ImportModuleError = runtimeError('ImportModuleError');
const HandlerNotFound = runtimeError('HandlerNotFound');
const MalformedHandlerName = runtimeError('MalformedHandlerName');
const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
const UnhandledPromiseRejection = runtimeError('UnhandledPromiseRejection');

// toErrorResponse builds the body AWS's Node.js runtime posts: Error-like values keep their name,
// message and stack lines; anything else is reported by its typeof and string form.
function toErrorResponse(err) {
  try {
    if (err instanceof Error || (err && typeof err.name === 'string' && typeof err.message === 'string')) {
      const trace = typeof err.stack === 'string' ? err.stack.split('\n') : [];
      return { errorType: err.name, errorMessage: err.message, trace };
    }
    return { errorType: typeof err, errorMessage: String(err), trace: [] };
  } catch {
    return { errorType: 'handled', errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack' };
  }
}

// ---- Handler loading (file.export, nested dirs, CommonJS and ES modules) -------------------

function packageTypeIsModule(folder) {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (dir.endsWith(`${path.sep}node_modules`)) {
      return false;
    }
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (dir === path.dirname(dir)) {
      return false;
    }
  }
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const require = createRequire(path.join(appRoot, 'index.js'));
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  const exists = (ext) => fs.existsSync(base + ext) && fs.statSync(base + ext).isFile();
  const esm = packageTypeIsModule(path.dirname(base));
  if (exists('')) {
    return require(base);
  }
  if (exists('.js')) {
    return esm ? import(pathToFileURL(base + '.js').href) : require(base + '.js');
  }
  if (exists('.mjs')) {
    return import(pathToFileURL(base + '.mjs').href);
  }
  if (exists('.cjs')) {
    return require(base + '.cjs');
  }
  // Not a file of the task: resolve it like require() would, e.g. a package in node_modules.
  return require(require.resolve(moduleName, { paths: [appRoot, path.resolve(appRoot, moduleRoot)] }));
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(`'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.slice(0, fullHandler.length - handlerString.length);
  const match = handlerString.match(/^([^.]*)\.(.*)$/);
  if (!match) {
    throw new MalformedHandlerName('Bad handler');
  }
  const [, moduleName, exportPath] = match;
  let mod;
  try {
    mod = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw new UserCodeSyntaxError(String(err));
    }
    if (err && (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND')) {
      throw new ImportModuleError(String(err));
    }
    throw err;
  }
  const resolve = (obj) => exportPath.split('.').reduce((o, key) => o && o[key], obj);
  // An ES module namespace of a CommonJS file exposes module.exports as `default`.
  const fn = resolve(mod) ?? resolve(mod && mod.default);
  if (!fn) {
    throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  }
  if (typeof fn !== 'function') {
    throw new HandlerNotFound(`${fullHandler} is not a function`);
  }
  return fn;
}

// ---- Invocation ------------------------------------------------------------------------------

let currentRequestId;
let pending; // the running invocation: { requestId, finish }

function parseJSONHeader(value) {
  return value === undefined || value === '' ? undefined : JSON.parse(value);
}

function makeContext(headers, finish) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const env = process.env;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: parseJSONHeader(headers['lambda-runtime-cognito-identity']),
    clientContext: parseJSONHeader(headers['lambda-runtime-client-context']),
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    // Legacy completion methods, kept for old handlers.
    succeed: (result) => finish(null, result, false),
    fail: (err) => finish(err ?? new Error('handled'), undefined, false),
    done: (err, result) => finish(err, result, false),
  };
  return context;
}

// runHandler resolves with { err, result } once the handler has finished: a returned promise
// settles (posted at once), or the callback is called (posted once the event loop is empty,
// unless context.callbackWaitsForEmptyEventLoop is false), or a synchronous handler returns
// without either (null is posted once the event loop is empty) - as AWS's runtime does.
function runHandler(handler, headers, body) {
  return new Promise((resolve) => {
    let settled = false;
    let deferred; // callback outcome waiting for an empty event loop
    const finish = (err, result, fromPromise) => {
      if (settled) {
        return;
      }
      if (!fromPromise && context.callbackWaitsForEmptyEventLoop && !deferred) {
        deferred = { err, result };
        return;
      }
      settled = true;
      resolve({ err, result });
    };
    const context = makeContext(headers, finish);
    pending = {
      emptyEventLoop: () => {
        const outcome = deferred ?? { err: null, result: undefined };
        settled = true;
        resolve(outcome);
      },
    };
    try {
      const callback = (err, result) => finish(err ?? null, result, false);
      const ret = handler(JSON.parse(body), context, callback);
      if (ret && typeof ret.then === 'function') {
        ret.then(
          (result) => finish(null, result, true),
          (err) => finish(err ?? new Error(String(err)), undefined, true),
        );
      }
    } catch (err) {
      finish(err, undefined, true);
    }
  });
}

async function invokeOnce(handler) {
  const next = await request('GET', '/invocation/next');
  if (next.status !== 200) {
    throw new Error(`GET /invocation/next answered ${next.status}: ${next.body}`);
  }
  const requestId = next.headers['lambda-runtime-aws-request-id'];
  currentRequestId = requestId;
  const traceId = next.headers['lambda-runtime-trace-id'];
  if (traceId) {
    process.env._X_AMZN_TRACE_ID = traceId;
  } else {
    delete process.env._X_AMZN_TRACE_ID;
  }
  const { err, result } = await runHandler(handler, next.headers, next.body);
  pending = undefined;
  if (err !== null && err !== undefined) {
    await postError(`/invocation/${requestId}/error`, err);
    return;
  }
  let payload;
  try {
    payload = JSON.stringify(result === undefined ? null : result);
  } catch (stringifyErr) {
    await postError(`/invocation/${requestId}/error`, new Error(`Unable to stringify response body: ${stringifyErr.message}`));
    return;
  }
  await post(`/invocation/${requestId}/response`, payload, { 'Content-Type': 'application/json' });
}

// ---- Process-level failures --------------------------------------------------------------------

let initialising = true;

async function fatal(err, exitCode) {
  try {
    if (initialising) {
      await postError('/init/error', err);
    } else if (pending) {
      await postError(`/invocation/${currentRequestId}/error`, err);
    }
  } finally {
    process.exit(exitCode);
  }
}

process.on('uncaughtException', (err) => fatal(err, EXIT_UNCAUGHT_EXCEPTION));
process.on('unhandledRejection', (reason) => fatal(new UnhandledPromiseRejection(String(reason)), EXIT_UNHANDLED_REJECTION));
process.on('beforeExit', () => {
  if (pending) {
    pending.emptyEventLoop();
  }
});

async function main() {
  const appRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const handlerName = process.argv[2] || process.env._HANDLER || '';
  let handler;
  try {
    handler = await loadHandler(appRoot, handlerName);
  } catch (err) {
    await postError('/init/error', err);
    process.exit(EXIT_INIT_ERROR);
  }
  initialising = false;
  for (;;) {
    await invokeOnce(handler);
  }
}

main().catch((err) => {
  console.error('albatross runtime:', err);
  process.exit(1);
});
