package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/testkit"
)

// startSource runs `albatross serve --config SOURCE` on a serverless.yml, template or other
// imported source, with extra flags (typically --port-map), waiting for port.
func startSource(t *testing.T, source string, port int, flags ...string) *instance {
	t.Helper()
	dir := t.TempDir()
	abs, err := filepath.Abs(source)
	if err != nil {
		t.Fatal(err)
	}
	inst := &instance{t: t, config: abs, logs: &testkit.Buffer{}, exited: make(chan error, 1)}
	args := append([]string{"serve", "--config", abs, "--data-dir", filepath.Join(dir, "data")}, flags...)
	inst.cmd = exec.Command(binary, args...)
	inst.cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	inst.cmd.Stdout, inst.cmd.Stderr = inst.logs, inst.logs
	if err := inst.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { inst.exited <- inst.cmd.Wait() }()
	t.Cleanup(func() {
		inst.stop()
		if t.Failed() {
			t.Logf("albatross logs:\n%s", inst.logs.String())
		}
	})
	inst.waitPort(port)
	return inst
}

// route is one request and what must answer it.
type route struct {
	method, path string
	header       map[string]string
	status       int
	// contains must appear in the body (the answering function names itself in it).
	contains string
}

func checkRoutes(t *testing.T, port int, routes []route) {
	t.Helper()
	c := client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, r := range routes {
		method := r.method
		if method == "" {
			method = http.MethodGet
		}
		req := newRequest(t, method, fmt.Sprintf("http://127.0.0.1:%d%s", port, r.path), nil)
		for k, v := range r.header {
			if k == "Host" {
				req.Host = v
				continue
			}
			req.Header.Set(k, v)
		}
		resp, body := do(t, c, req)
		if resp.StatusCode != r.status || !strings.Contains(string(body), r.contains) {
			t.Errorf("%s %s %v: %d %q, want %d containing %q", method, r.path, r.header, resp.StatusCode, body, r.status, r.contains)
		}
	}
}

// The seed article's project, with its three handlers rewritten in Node.js: the HTML page, the
// API and the assets are served by path, and anything else goes to the default action's empty
// lambda target group (503, HC-06). The listener's port 80 is moved with --port-map.
func TestImportSeedServerlessNode(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	startSource(t, "testdata/import/seed-node/serverless.yml", port, "--port-map", fmt.Sprintf("80=%d", port))
	checkRoutes(t, port, []route{
		{path: "/", status: 200, contains: "served by page for /"},
		{path: "/api/events", status: 200, contains: `"fn":"api"`},
		{path: "/assets/style.css", status: 200, contains: "font-family"},
		{path: "/assets/missing.png", status: 404, contains: "no such asset"},
		{path: "/elsewhere", status: 503},
	})
}

// The seed's own serverless.yml (C# on dotnetcore2.1) loads: its functions are unavailable, so
// their routes answer 502 as the ALB does for a function Lambda cannot invoke, and the rest of
// the load balancer serves.
func TestImportSeedServerlessDotnet(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	inst := startSource(t, "testdata/import/seed-dotnet", port, "--port-map", fmt.Sprintf("80=%d", port))
	checkRoutes(t, port, []route{
		{path: "/", status: 502},
		{path: "/api/x", status: 502},
		{path: "/assets/a.css", status: 502},
		{path: "/elsewhere", status: 503},
	})
	inst.waitLog("Albatross has no dotnet runtime", 1)
}

// An inline-code template with Parameters, Mappings and Conditions, served end to end.
func TestImportCloudFormationInline(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	startSource(t, "testdata/import/cfn-inline/template.yaml", port, "--port-offset", fmt.Sprint(port-80))
	checkRoutes(t, port, []route{
		{path: "/hello/x", status: 200, contains: `"fn":"hello"`},
		{path: "/py", status: 200, contains: `"fn": "py"`},
		{method: "POST", path: "/py", status: 404, contains: "no route in us-east-1"},
		{path: "/x", header: map[string]string{"X-Beta": "on"}, status: 200, contains: "beta"},
		{path: "/old", status: 301},
		{path: "/nothing", status: 404, contains: "no route in us-east-1"},
	})
	// The intrinsic functions as the function saw them.
	resp, body := do(t, client(), newRequest(t, "GET", fmt.Sprintf("http://127.0.0.1:%d/hello", port), nil))
	var got struct{ Env map[string]any }
	if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s: %v", resp.StatusCode, body, err)
	}
	want := map[string]any{"GREETING": "hello from dev", "SECOND_AZ": "us-east-1b", "DOMAIN": "example",
		"ENCODED": "YWxiYXRyb3Nz", "WHERE": "aws:amazonaws.com:000000000000", "LITERAL": "${NotAVariable}",
		"TG": fmt.Sprintf("hello-tg on %d", 80), "STAGE": nil}
	for k, v := range want {
		if got.Env[k] != v {
			t.Errorf("env %s = %v, want %v", k, got.Env[k], v)
		}
	}
}

// SAM functions (Globals, CodeUri folder, InlineCode) behind plain ELBv2 resources; the Java
// function is unavailable (502) while every other route serves.
func TestImportSAM(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	startSource(t, "testdata/import/sam/template.yaml", port, "--param", fmt.Sprintf("Port=%d", port))
	checkRoutes(t, port, []route{
		{path: "/orders/7", status: 200, contains: `"kind": "orders", "shop": "albatross-shop", "memory": "256"`},
		{path: "/legacy/x", status: 502},
		{path: "/", status: 200, contains: `"fn":"status","shop":"albatross-shop"`},
	})
}

// A Serverless service with every offline variable source and every alb condition, served end
// to end: each route is answered by the function its event names.
func TestImportServerlessFeatures(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	startSource(t, "testdata/import/sls-features", port, "--stage", "qa", "--param", "color=green",
		"--port-map", fmt.Sprintf("80=%d", port))
	checkRoutes(t, port, []route{
		{path: "/api/events", status: 200, contains: `"fn":"api","path":"/api/events","multiValue":true`},
		{method: "DELETE", path: "/api/events", status: 404, contains: "features has no such route"},
		{path: "/admin", header: map[string]string{"X-Admin": "yes", "X-Team": "dev"}, status: 200, contains: `"fn":"admin"`},
		{path: "/admin", header: map[string]string{"X-Admin": "yes"}, status: 404},
		{path: "/anything", header: map[string]string{"Host": "admin.example.com"}, status: 200, contains: `"PANEL":"ops-panel"`},
		{path: "/find?q=albatross", status: 200, contains: `"fn":"search"`},
		{path: "/find", header: map[string]string{"X-Search": "v2"}, status: 200, contains: `"fn":"search","path":"/find","multiValue":false`},
		{path: "/v1/x", status: 302},
		{path: "/direct", status: 200, contains: `"fn":"api"`},
		{path: "/api", status: 200, contains: `"GREETING":"hello from qa","STAGE":"qa","REGION":"eu-central-1","COLOR":"green","DEBUG":"true"`},
		{path: "/api", status: 200, contains: `"MEMORY":"512","NAME":"features-qa-api"`},
	})
}

// Live reload follows the files an imported service is built from: an edit to a ${file()}
// source moves a route, a broken edit keeps the last good configuration serving.
func TestImportReloadsOnSourceEdits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := "testdata/import/sls-features"
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, e.Name()), string(data))
	}
	port := freePort(t)
	inst := startSource(t, dir, port, "--stage", "qa", "--port-map", fmt.Sprintf("80=%d", port))
	checkRoutes(t, port, []route{{path: "/direct", status: 200, contains: `"fn":"api"`}})

	extra, err := os.ReadFile(filepath.Join(dir, "extra-resources.yml"))
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(string(extra), "Values: [/direct]", "Values: [/moved]", 1)
	writeFile(t, filepath.Join(dir, "extra-resources.yml"), moved)
	inst.waitLog("configuration reloaded", 1)
	checkRoutes(t, port, []route{
		{path: "/moved", status: 200, contains: `"fn":"api"`},
		{path: "/direct", status: 404, contains: "features has no such route"},
	})

	writeFile(t, filepath.Join(dir, "settings.yml"), "memory: [not, a, number]\n")
	inst.waitLog("configuration rejected", 1)
	checkRoutes(t, port, []route{{path: "/moved", status: 200, contains: `"MEMORY":"512"`}})
}

// A JSON template whose instance and IP targets, exported values and S3 code come from
// --values: every route reaches the local target or function the values file names.
func TestImportCloudFormationTargetsAndValues(t *testing.T) {
	t.Parallel()
	site1, site2, checkout := startBackend(t, "site-1", nil), startBackend(t, "site-2", nil), startBackend(t, "checkout", nil)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "api"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "api", "app.py"), "import json\n\ndef handler(event, context):\n    return {\"statusCode\": 200, \"body\": json.dumps({\"fn\": \"shop-api\", \"path\": event[\"path\"]})}\n")
	zipPath := filepath.Join(dir, "api.zip")
	zipFolder(t, filepath.Join(dir, "api"), zipPath)
	valuesPath := filepath.Join(dir, "values.yaml")
	writeFile(t, valuesPath, fmt.Sprintf(`values:
  import:network-VpcId: vpc-1
code:
  s3://shop-artifacts/api.zip: api.zip
targets:
  i-0aaa: %s
  i-0bbb: %s
  10.0.1.5:9000: %s
`, site1.addr, site2.addr, checkout.addr))
	port := freePort(t)
	startSource(t, "testdata/import/cfn-targets/template.json", port, "--values", valuesPath, "--port-map", fmt.Sprintf("80=%d", port))
	checkRoutes(t, port, []route{
		{path: "/checkout/cart", status: 200, contains: `"backend":"checkout"`},
		{path: "/api/x", status: 200, contains: `"fn": "shop-api"`},
	})
	seenSites := map[string]bool{}
	for range 4 {
		_, body := do(t, client(), newRequest(t, "GET", fmt.Sprintf("http://127.0.0.1:%d/events", port), nil))
		var s seen
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		seenSites[s.Backend] = true
	}
	if !seenSites["site-1"] || !seenSites["site-2"] {
		t.Errorf("the default action reaches both instances: %v", seenSites)
	}
}
