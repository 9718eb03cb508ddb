package runtimes

import "testing"

// The Node.js bootstrap against a Runtime API (B.1): CommonJS and ES module handlers, async and
// callback style, nested exports and directories, context fields, thrown errors in the Node.js
// error shape, and init errors for handlers that cannot be loaded.
func TestNodeJSBootstrap(t *testing.T) {
	t.Parallel()
	testCases := []scenario{
		{
			desc:    "async CommonJS handler sees event and context fields",
			handler: "index.handler",
			invocations: []invocation{
				{id: "req-1", payload: `{"name":"ada"}`},
				{id: "req-2", payload: `[1,2]`},
			},
			golden: "nodejs-context",
		},
		{
			desc:        "ES module in a nested directory",
			handler:     "esm/app.handler",
			invocations: []invocation{{id: "req-1", payload: `{"n":21}`}},
			golden:      "nodejs-esm",
		},
		{
			desc:    "callback handler answers and fails through the callback",
			handler: "callback.handler",
			invocations: []invocation{
				{id: "req-1", payload: `{}`},
				{id: "req-2", payload: `{"fail":true}`},
			},
			golden: "nodejs-callback",
		},
		{
			desc:        "async handler rejects with a custom error",
			handler:     "throws.rejects",
			invocations: []invocation{{id: "req-1", payload: `{}`}, {id: "req-2", payload: `{}`}},
			golden:      "nodejs-rejects",
		},
		{
			desc:        "sync handler throws a TypeError",
			handler:     "throws.throws",
			invocations: []invocation{{id: "req-1", payload: `{}`}},
			golden:      "nodejs-throws",
		},
		{
			desc:        "nested export path",
			handler:     "throws.nested.deeper.handler",
			invocations: []invocation{{id: "req-1", payload: `null`}},
			golden:      "nodejs-nested-export",
		},
		{
			desc:        "sync handler without callback answers null once the event loop is empty",
			handler:     "callback.silent",
			invocations: []invocation{{id: "req-1", payload: `{}`}, {id: "req-2", payload: `{}`}},
			golden:      "nodejs-silent",
		},
		{
			desc:        "callbackWaitsForEmptyEventLoop false answers despite a live timer",
			handler:     "callback.leavesTimer",
			invocations: []invocation{{id: "req-1", payload: `{}`}},
			golden:      "nodejs-leaves-timer",
		},
		{
			desc:        "uncaught exception fails the invoke and ends the process",
			handler:     "callback.escapes",
			invocations: []invocation{{id: "req-1", payload: `{}`}},
			exitCode:    129,
			golden:      "nodejs-uncaught",
		},
		{
			desc:        "handler not exported is an init error",
			handler:     "index.missing",
			invocations: []invocation{{id: "req-1", payload: `{}`}},
			reports:     1,
			exitCode:    1,
			golden:      "nodejs-handler-not-found",
		},
		{
			desc:        "missing module is an init error",
			handler:     "nofile.handler",
			invocations: []invocation{{id: "req-1", payload: `{}`}},
			reports:     1,
			exitCode:    1,
			golden:      "nodejs-import-error",
		},
		{
			desc:        "handler without a dot is malformed",
			handler:     "index",
			invocations: []invocation{{id: "req-1", payload: `{}`}},
			reports:     1,
			exitCode:    1,
			golden:      "nodejs-malformed",
		},
	}
	runScenarios(t, "nodejs20.x", "node", "testdata/node", testCases)
}
