package e2e

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// copyTree copies a fixture folder so that the test can add build outputs to it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// zipFolder zips the files directly in dir into path, as a project's build step would.
func zipFolder(t *testing.T, dir, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// tfAnswer is what the fixture's functions and the echo backends say about a request.
type tfAnswer struct {
	Function string `json:"function"`
	Service  string `json:"service"`
	Region   string `json:"region"`
	ARN      string `json:"arn"`
	Path     string `json:"path"`
	Backend  string `json:"backend"`
	Multi    bool   `json:"multiValue"`
}

// TestTerraformModuleServed runs `albatross serve --config main.tf` on the shop fixture as a
// user would — a root module with a for_each module whose functions come from archive_file,
// count over EC2 instances attached to a target group, a zip-deployed function behind an alias,
// a dynamic condition block, tfvars, and a rule added in a .tf.json file — with --values mapping
// the instances and --port-map moving port 80, and requests every route, checking which
// function or target answered.
func TestTerraformModuleServed(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"node", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	dir := copyTree(t, "../internal/importer/terraform/testdata/shop")
	zipFolder(t, filepath.Join(dir, "legacy"), filepath.Join(dir, "dist", "legacy.zip"))
	writeFile(t, filepath.Join(dir, "json.tf.json"), `{"resource": {"aws_lb_listener_rule": {"json": {
  "listener_arn": "${aws_lb_listener.http.arn}",
  "priority": 950,
  "condition": {"path_pattern": {"values": ["/json"]}},
  "action": {"type": "fixed-response", "fixed_response": {"content_type": "text/plain", "status_code": "200", "message_body": "from ${local.prefix} json"}}
}}}}`)
	web0, web1 := startBackend(t, "web-0", nil), startBackend(t, "web-1", nil)
	valuesFile := filepath.Join(dir, "values.yaml")
	writeFile(t, valuesFile, fmt.Sprintf("targets:\n  aws_instance.web[0]: %s\n  aws_instance.web[1]: %s\n", web0.addr, web1.addr))
	port := freePort(t)
	inst := startSource(t, filepath.Join(dir, "main.tf"), port, "--values", valuesFile, "--port-map", fmt.Sprintf("80=%d", port))
	ports := []int{port}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := client()

	get := func(t *testing.T, method, path string, header http.Header) (*http.Response, tfAnswer, string) {
		t.Helper()
		req := newRequest(t, method, base+path, nil)
		for k, v := range header {
			req.Header[k] = v
		}
		if h := header.Get("Host"); h != "" {
			req.Host = h
		}
		resp, body := do(t, c, req)
		var a tfAnswer
		_ = json.Unmarshal(body, &a)
		return resp, a, string(body)
	}
	t.Run("module functions by path (for_each, archive_file source_dir)", func(t *testing.T) {
		for _, tc := range []struct{ path, function string }{
			{"/orders", "shop-default-orders"},
			{"/orders/42", "shop-default-orders"},
			{"/users/7", "shop-default-users"},
		} {
			resp, a, body := get(t, "GET", tc.path, nil)
			if resp.StatusCode != 200 || a.Function != tc.function || a.Path != tc.path || a.Region != "eu-west-1" || !a.Multi {
				t.Errorf("%s: %d %s, want %s answering with multi-value headers", tc.path, resp.StatusCode, body, tc.function)
			}
		}
	})
	t.Run("zip package behind an alias, host and query conditions", func(t *testing.T) {
		resp, a, body := get(t, "GET", "/anything?v=1", http.Header{"Host": {"legacy.example.com"}})
		if resp.StatusCode != 200 || a.Function != "shop-default-legacy" || !strings.HasSuffix(a.ARN, ":function:shop-default-legacy:live") {
			t.Errorf("got %d %s, want the legacy function invoked through its alias", resp.StatusCode, body)
		}
		resp, _, body = get(t, "GET", "/anything?v=2", http.Header{"Host": {"legacy.example.com"}})
		if resp.StatusCode != 404 || body != "no route" {
			t.Errorf("v=2: got %d %q, want the default 404", resp.StatusCode, body)
		}
	})
	t.Run("instances from count, mapped by --values targets", func(t *testing.T) {
		seen := map[string]bool{}
		for range 10 {
			resp, _, body := get(t, "GET", "/web/index.html", nil)
			if resp.StatusCode != 200 {
				t.Fatalf("got %d %s", resp.StatusCode, body)
			}
			seen[resp.Header.Get("X-Backend")] = true
		}
		if !seen["web-0"] || !seen["web-1"] {
			t.Errorf("backends seen: %v, want web-0 and web-1", seen)
		}
		if resp, _, _ := get(t, "POST", "/web/form", nil); resp.StatusCode != 404 {
			t.Errorf("POST /web/form: %d, want 404 (the rule matches GET and HEAD only)", resp.StatusCode)
		}
	})
	t.Run("redirect, dynamic header condition, default action", func(t *testing.T) {
		resp, _, _ := get(t, "GET", "/old-orders", nil)
		if loc := resp.Header.Get("Location"); resp.StatusCode != 301 || loc != fmt.Sprintf("http://127.0.0.1:%d/orders", ports[0]) {
			t.Errorf("got %d Location %q, want 301 to /orders", resp.StatusCode, loc)
		}
		resp, _, body := get(t, "GET", "/beta", http.Header{"X-Beta": {"yes"}})
		if resp.StatusCode != 200 || body != "beta: beta" {
			t.Errorf("got %d %q, want the beta fixed response", resp.StatusCode, body)
		}
		resp, _, body = get(t, "GET", "/nothing", nil)
		if resp.StatusCode != 404 || body != "no route" {
			t.Errorf("got %d %q, want the default 404", resp.StatusCode, body)
		}
	})
	t.Run("a rule from a .tf.json file", func(t *testing.T) {
		resp, _, body := get(t, "GET", "/json", nil)
		if resp.StatusCode != 200 || body != "from shop-default json" {
			t.Errorf("got %d %q, want the JSON rule's fixed response", resp.StatusCode, body)
		}
	})
	t.Run("an override file added to the module reloads it", func(t *testing.T) {
		writeFile(t, filepath.Join(dir, "override.tf"), `resource "aws_lb_listener" "http" {
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "overridden"
      status_code  = "404"
    }
  }
}
`)
		inst.waitLog("configuration reloaded", 1)
		// The reload is applied after it is logged; wait for the data plane to serve it.
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, _, body := get(t, "GET", "/nothing", nil)
			if resp.StatusCode == 404 && body == "overridden" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("got %d %q, want the overriding default action", resp.StatusCode, body)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if resp, a, _ := get(t, "GET", "/orders", nil); resp.StatusCode != 200 || a.Function != "shop-default-orders" {
			t.Errorf("after the reload /orders: %d %+v", resp.StatusCode, a)
		}
	})
}
