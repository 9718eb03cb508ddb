package reconcile

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

// TestBindAddress: with BindAddress (--bind-address, a node of a cluster) every listener binds
// that IP whatever address it names, and the node's access-log files carry that address in their
// names, as each ALB node's do (LOG-01).
func TestBindAddress(t *testing.T) {
	dataDir := t.TempDir()
	dp := New(Options{CacheDir: filepath.Join(dataDir, "cache"), DrainTimeout: 5 * time.Second, BindAddress: "127.0.0.2"})
	cfg := &config.Config{LoadBalancers: []config.LoadBalancer{{
		Name:       "web",
		Attributes: map[string]string{"access_logs.s3.enabled": "true"},
		Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1", DefaultActions: []config.Action{{
			Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "200", ContentType: "text/plain", MessageBody: "ok"}}}}},
	}}}
	ctx := context.Background()
	if err := dp.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	var addr net.Addr
	for _, a := range dp.Addrs() {
		addr = a
	}
	if host, _, _ := net.SplitHostPort(addr.String()); host != "127.0.0.2" {
		t.Fatalf("listener bound %s; want 127.0.0.2", addr)
	}
	resp, err := http.Get("http://" + addr.String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err := dp.Close(ctx); err != nil {
		t.Fatal(err)
	}
	matches, _ := filepath.Glob(filepath.Join(dataDir, "access-logs", "AWSLogs", "*", "elasticloadbalancing", "*", "*", "*", "*", "*.log.gz"))
	if len(matches) != 1 || !strings.Contains(filepath.Base(matches[0]), "_127.0.0.2_") {
		t.Fatalf("log files %v; want one named with the node's address 127.0.0.2", matches)
	}
}

// TestDashboardNamesTheNode: a node of a cluster says on its dashboard whose view it shows; a
// node alone says nothing.
func TestDashboardNamesTheNode(t *testing.T) {
	for _, name := range []string{"lb-2", ""} {
		dp := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache"), NodeName: name})
		data, err := json.Marshal(dp.dashboardState())
		if err != nil {
			t.Fatal(err)
		}
		if got := dp.dashboardState().Node; got != name || (name == "" && strings.Contains(string(data), `"node"`)) {
			t.Errorf("node %q: dashboard state %s", name, data)
		}
		if err := dp.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
