package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// devloopFunctions writes a Python, a Node.js and a Go function answering `version one` into
// a fresh folder each, as a developer's working copy, and returns their folders.
func devloopFunctions(t *testing.T) (python, node, golang string) {
	t.Helper()
	root := t.TempDir()
	python, node, golang = filepath.Join(root, "py"), filepath.Join(root, "node"), filepath.Join(root, "go")
	for _, d := range []string{python, node, filepath.Join(golang, "msg")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	save(t, filepath.Join(python, "app.py"), pythonVersion("version one"))
	save(t, filepath.Join(node, "index.mjs"), nodeVersion("version one"))
	save(t, filepath.Join(golang, "go.mod"), "module devloop\n\ngo 1.26\n")
	save(t, filepath.Join(golang, "main.go"), goRuntimeLoop)
	save(t, filepath.Join(golang, "msg", "msg.go"), goVersion("version one"))
	return python, node, golang
}

func pythonVersion(v string) string {
	return fmt.Sprintf("def handler(event, context):\n    return {\"statusCode\": 200, \"body\": %q}\n", v)
}

func nodeVersion(v string) string {
	return fmt.Sprintf("export const handler = async () => ({ statusCode: 200, body: %q });\n", v)
}

func goVersion(v string) string { return fmt.Sprintf("package msg\n\nconst Version = %q\n", v) }

// goRuntimeLoop is a Go function without dependencies: it speaks the Runtime API itself, so
// the test builds offline. Its answer lives in package msg, a dependency inside the module.
const goRuntimeLoop = `package main

import (
	"io"
	"net/http"
	"os"
	"strings"

	"devloop/msg"
)

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := http.Get(api + "next")
		if err != nil {
			os.Exit(1)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		body := ` + "`" + `{"statusCode":200,"body":"` + "` + msg.Version + `" + `"}` + "`" + `
		r, err := http.Post(api+resp.Header.Get("Lambda-Runtime-Aws-Request-Id")+"/response", "application/json", strings.NewReader(body))
		if err == nil {
			r.Body.Close()
		}
	}
}
`

// save writes a file the way editors do: a temporary file renamed over the original.
func save(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp-save"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func devloopConfig(port int, python, node, golang string) string {
	return fmt.Sprintf(`
load_balancers:
  - name: dev
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "404"}}]
        rules:
          - {priority: 1, conditions: [{field: path-pattern, values: ["/py"]}], actions: [{type: forward, target_group_name: py}]}
          - {priority: 2, conditions: [{field: path-pattern, values: ["/node"]}], actions: [{type: forward, target_group_name: node}]}
          - {priority: 3, conditions: [{field: path-pattern, values: ["/go"]}], actions: [{type: forward, target_group_name: go}]}
target_groups:
  - {name: py, target_type: lambda, targets: [{id: py}]}
  - {name: node, target_type: lambda, targets: [{id: node}]}
  - {name: go, target_type: lambda, targets: [{id: go}]}
functions:
  - {function_name: py, runtime: python3.12, handler: app.handler, code: %q}
  - {function_name: node, runtime: nodejs20.x, handler: index.handler, code: %q}
  - {function_name: go, runtime: provided.al2023, build: go, code: %q}
`, port, python, node, golang)
}

// answer returns the body the function at url gives now.
func answer(t *testing.T, url string) string {
	t.Helper()
	resp, body := do(t, client(), newRequest(t, "GET", url, nil))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", url, resp.Status, body)
	}
	return string(body)
}

// awaitAnswer polls url until it answers want.
func awaitAnswer(t *testing.T, url, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	got := ""
	for time.Now().Before(deadline) {
		if got = answer(t, url); got == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s still answers %q, want %q", url, got, want)
}

// TestDevLoop (issue 19): editing and saving a function's code makes the next requests run the
// new code, for Python, Node.js and Go (a file in a package the main package imports), with
// clients calling the function without pause across the swap and not one failed request. A Go
// edit that does not compile keeps the old code serving and logs the compiler's error; the
// next good edit takes over.
func TestDevLoop(t *testing.T) {
	t.Parallel()
	python, node, golang := devloopFunctions(t)
	port := freePort(t)
	inst := start(t, devloopConfig(port, python, node, golang), port)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	edits := []struct {
		lang, path string
		edit       func(version string)
		within     time.Duration
	}{
		{"python", "/py", func(v string) { save(t, filepath.Join(python, "app.py"), pythonVersion(v)) }, 20 * time.Second},
		{"node", "/node", func(v string) { save(t, filepath.Join(node, "index.mjs"), nodeVersion(v)) }, 20 * time.Second},
		{"go", "/go", func(v string) { save(t, filepath.Join(golang, "msg", "msg.go"), goVersion(v)) }, 90 * time.Second},
	}
	for _, e := range edits {
		t.Run(e.lang, func(t *testing.T) {
			url := base + e.path
			awaitAnswer(t, url, "version one", e.within)
			load := startLoad(url, 2)
			e.edit("version two")
			awaitAnswer(t, url, "version two", e.within)
			time.Sleep(100 * time.Millisecond) // load on the new code too
			if requests, failures, lastErr := load.stop(); failures != 0 {
				t.Fatalf("%d of %d requests failed across the swap; last: %v", failures, requests, lastErr)
			}
		})
	}
	t.Run("go build error keeps the old code", func(t *testing.T) {
		url := base + "/go"
		save(t, filepath.Join(golang, "msg", "msg.go"), "package msg\n\nconst Version = \"version three\" +\n")
		inst.waitLog("function build failed", 1)
		if logs := inst.logs.String(); !strings.Contains(logs, "msg.go:") {
			t.Errorf("the compiler's error (msg.go:line) is not in the log:\n%s", logs)
		}
		if got := answer(t, url); got != "version two" {
			t.Fatalf("after a failed build the function answers %q, want the old code's %q", got, "version two")
		}
		save(t, filepath.Join(golang, "msg", "msg.go"), goVersion("version three"))
		awaitAnswer(t, url, "version three", 90*time.Second)
	})
}

// TestDevLoopOff: with --watch-code=false (production), saving new code changes nothing.
func TestDevLoopOff(t *testing.T) {
	t.Parallel()
	python, node, golang := devloopFunctions(t)
	port := freePort(t)
	inst := startWith(t, []string{"--watch-code=false"}, devloopConfig(port, python, node, golang), port)
	url := fmt.Sprintf("http://127.0.0.1:%d/py", port)
	awaitAnswer(t, url, "version one", 20*time.Second)
	save(t, filepath.Join(python, "app.py"), pythonVersion("version two"))
	// A watched function would have reloaded well within this; the log proves nothing was seen.
	time.Sleep(time.Second)
	if got := answer(t, url); got != "version one" {
		t.Fatalf("with watching off the function answers %q after an edit, want %q", got, "version one")
	}
	if strings.Contains(inst.logs.String(), "function code changed") {
		t.Error("a code change was acted on with --watch-code=false")
	}
}

// TestDebugFunction: --debug-function runs the Node.js function under the inspector (its
// /json/list endpoint on 127.0.0.1:9229 lists the process) while requests through the load
// balancer keep being answered by it.
func TestDebugFunction(t *testing.T) {
	t.Parallel()
	python, node, golang := devloopFunctions(t)
	port := freePort(t)
	startWith(t, []string{"--debug-function", "node"}, devloopConfig(port, python, node, golang), port)
	awaitAnswer(t, fmt.Sprintf("http://127.0.0.1:%d/node", port), "version one", 20*time.Second)
	resp, body := do(t, client(), newRequest(t, "GET", "http://127.0.0.1:9229/json/list", nil))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "webSocketDebuggerUrl") {
		t.Fatalf("the Node.js inspector is not listening: %s %s", resp.Status, body)
	}
}

// TestDevLoopOffPerFunction: a function whose albatross block says watch_code: false keeps its
// code while a watched function beside it reloads. The unwatched one is saved first, so by the
// time the watched one answers with its new code the same debounce has long passed for both.
func TestDevLoopOffPerFunction(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	watched, fixed := filepath.Join(root, "watched"), filepath.Join(root, "fixed")
	for _, d := range []string{watched, fixed} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		save(t, filepath.Join(d, "app.py"), pythonVersion("version one"))
	}
	port := freePort(t)
	inst := start(t, fmt.Sprintf(`
load_balancers:
  - name: dev
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "404"}}]
        rules:
          - {priority: 1, conditions: [{field: path-pattern, values: ["/watched"]}], actions: [{type: forward, target_group_name: watched}]}
          - {priority: 2, conditions: [{field: path-pattern, values: ["/fixed"]}], actions: [{type: forward, target_group_name: fixed}]}
target_groups:
  - {name: watched, target_type: lambda, targets: [{id: watched}]}
  - {name: fixed, target_type: lambda, targets: [{id: fixed}]}
functions:
  - {function_name: watched, runtime: python3.12, handler: app.handler, code: %q}
  - function_name: fixed
    runtime: python3.12
    handler: app.handler
    code: %q
    albatross:
      watch_code: false
`, port, watched, fixed), port)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	awaitAnswer(t, base+"/watched", "version one", 20*time.Second)
	awaitAnswer(t, base+"/fixed", "version one", 20*time.Second)
	save(t, filepath.Join(fixed, "app.py"), pythonVersion("version two"))
	save(t, filepath.Join(watched, "app.py"), pythonVersion("version two"))
	awaitAnswer(t, base+"/watched", "version two", 20*time.Second)
	if got := answer(t, base+"/fixed"); got != "version one" {
		t.Fatalf("the function with watch_code: false answers %q after an edit, want %q", got, "version one")
	}
	for line := range strings.Lines(inst.logs.String()) {
		if strings.Contains(line, "function code changed") && strings.Contains(line, "function=fixed") {
			t.Errorf("a code change of the unwatched function was acted on: %s", line)
		}
	}
}
