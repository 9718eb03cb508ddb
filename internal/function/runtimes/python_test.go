package runtimes

import "testing"

// The Python bootstrap against a Runtime API (B.1): dict results and context fields, nested
// packages, raised exceptions in the Python error shape, and init errors.
func TestPythonBootstrap(t *testing.T) {
	t.Parallel()
	testCases := []scenario{
		{
			desc:    "handler returns a dict with the context fields",
			handler: "app.handler",
			invocations: []invocation{
				{id: "req-1", payload: `{"name":"ada","city":"Zürich"}`},
				{id: "req-2", payload: `[1,2]`},
			},
			golden: "python-context",
		},
		{
			desc:        "module in nested packages",
			handler:     "pkg.sub.mod.handler",
			invocations: []invocation{{id: "req-1", payload: `{"n":21}`}},
			golden:      "python-nested",
		},
		{
			desc:        "module path with slashes",
			handler:     "pkg/sub/mod.handler",
			invocations: []invocation{{id: "req-1", payload: `{"n":1}`}},
			golden:      "python-slashes",
		},
		{
			desc:        "Decimals become JSON numbers, integral ones exact",
			handler:     "app.decimals",
			invocations: []invocation{{id: "req-1", payload: `{}`}},
			golden:      "python-decimals",
		},
		{
			desc:        "raised exception",
			handler:     "app.fails",
			invocations: []invocation{{id: "req-1", payload: `{"name":null}`}, {id: "req-2", payload: `{}`}},
			golden:      "python-raises",
		},
		{
			desc:        "invalid event JSON",
			handler:     "app.handler",
			invocations: []invocation{{id: "req-1", payload: `{not json`}},
			golden:      "python-unmarshal-error",
		},
		{
			desc:        "missing handler function is an init error",
			handler:     "app.missing",
			invocations: []invocation{{id: "req-1", payload: `{}`}},
			reports:     1,
			exitCode:    1,
			golden:      "python-handler-not-found",
		},
		{
			desc:        "missing module is an init error",
			handler:     "nomodule.handler",
			invocations: []invocation{{id: "req-1", payload: `{}`}},
			reports:     1,
			exitCode:    1,
			golden:      "python-import-error",
		},
		{
			desc:        "handler without a dot is malformed",
			handler:     "app",
			invocations: []invocation{{id: "req-1", payload: `{}`}},
			reports:     1,
			exitCode:    1,
			golden:      "python-malformed",
		},
	}
	runScenarios(t, "python3.11", "python3", "testdata/python", testCases)
}

// AWS's python3.12 runtime alone writes non-ASCII characters unescaped (it reads
// AWS_EXECUTION_ENV, which ExecutionEnv provides).
func TestPython312WritesUnicode(t *testing.T) {
	t.Parallel()
	runScenarios(t, "python3.12", "python3", "testdata/python", []scenario{{
		desc:        "non-ASCII stays unescaped",
		handler:     "pkg.sub.mod.echo",
		invocations: []invocation{{id: "req-1", payload: `{"city":"Zürich"}`}},
		golden:      "python312-unicode",
	}})
}
