package reconcile

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

// commitConfig is the configuration of TestRejectedReloadChangesNothing: load balancer web logs
// under prefix and forwards to target group app (one target, deregistration delay dereg); load
// balancer web2 answers by itself and logs under "two".
func commitConfig(prefix, dereg string, target int) *config.Config {
	return &config.Config{
		LoadBalancers: []config.LoadBalancer{
			{Name: "web", Attributes: map[string]string{config.AttrAccessLogsEnabled: "true", config.AttrAccessLogsPrefix: prefix},
				Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1",
					DefaultActions: []config.Action{{Type: config.ActionForward, TargetGroupName: "app"}}}}},
			{Name: "web2", Attributes: map[string]string{config.AttrAccessLogsEnabled: "true", config.AttrAccessLogsPrefix: "two"},
				Listeners: []config.Listener{{Port: 0, Address: "127.0.0.2", DefaultActions: []config.Action{{Type: config.ActionFixedResponse,
					FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "200", ContentType: "text/plain", MessageBody: "two"}}}}}},
		},
		TargetGroups: []config.TargetGroup{{Name: "app", Port: target, Targets: []config.Target{{ID: "127.0.0.1", Port: target}},
			Attributes: map[string]string{config.AttrDeregistrationDelay: dereg, config.AttrSlowStartSeconds: "0"}}},
	}
}

// TestRejectedReloadChangesNothing: a reload rejected because a port is busy, after its build
// changed access_logs.s3.prefix, the target group's deregistration delay and slow start, added a
// target group and a rule, leaves everything as it was: the access log keeps its file, targets
// keep draining as the old configuration says, and explain, the dashboard, the metrics and the
// target registry describe the old configuration. A later good reload that removes a load
// balancer finishes its log at once.
func TestRejectedReloadChangesNothing(t *testing.T) {
	t.Parallel()
	backend := namedBackend(t, "app")
	extra := namedBackend(t, "extra")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dataDir := t.TempDir()
	dp := New(Options{CacheDir: filepath.Join(dataDir, "cache"), DrainTimeout: 5 * time.Second})
	ctx := context.Background()
	if err := dp.Apply(ctx, commitConfig("old", "0", backend)); err != nil {
		t.Fatal(err)
	}
	addrs := dp.Addrs()
	web, web2 := "http://"+addrs["127.0.0.1:0"].String(), "http://"+addrs["127.0.0.2:0"].String()
	get(t, web2+"/before")

	rejected := commitConfig("new", "3600", backend)
	rejected.TargetGroups[0].Attributes[config.AttrSlowStartSeconds] = "600"
	rejected.TargetGroups = append(rejected.TargetGroups, config.TargetGroup{Name: "extra", Port: extra,
		Targets: []config.Target{{ID: "127.0.0.1", Port: extra}}})
	lb := &rejected.LoadBalancers[0]
	lb.Listeners[0].DefaultActions = []config.Action{{Type: config.ActionFixedResponse,
		FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "201", ContentType: "text/plain", MessageBody: "new"}}}
	lb.Listeners[0].Rules = []config.Rule{{Priority: 1, Conditions: []config.Condition{{Field: "path-pattern", Values: []string{"/extra"}}},
		Actions: []config.Action{{Type: config.ActionForward, TargetGroupName: "extra"}}}}
	lb.Listeners = append(lb.Listeners, config.Listener{Port: busy.Addr().(*net.TCPAddr).Port, Address: "127.0.0.1",
		DefaultActions: lb.Listeners[0].DefaultActions})
	if err := dp.Apply(ctx, rejected); err == nil || !strings.Contains(err.Error(), "cannot listen") {
		t.Fatalf("reload onto a busy port: %v", err)
	}

	if body := get(t, web+"/after"); body != "app" {
		t.Errorf("after the rejected reload web answers %q, want the old graph's target", body)
	}
	if served := dp.ServedConfig(); len(served.TargetGroups) != 1 || len(served.LoadBalancers[0].Listeners[0].Rules) != 0 {
		t.Errorf("explain would follow the rejected configuration: %+v", served)
	}
	for _, tg := range dp.dashboardState().TargetGroups {
		if tg.Name == "extra" {
			t.Error("the dashboard shows the rejected configuration's target group")
		}
	}
	var metrics bytes.Buffer
	mw := bufio.NewWriter(&metrics)
	dp.Metrics().WriteTo(mw)
	_ = mw.Flush()
	if strings.Contains(metrics.String(), "targetgroup/extra/") {
		t.Errorf("the metrics count the rejected configuration's targets:\n%s", metrics.String())
	}
	if _, ok := dp.TargetHealthOf("extra", "127.0.0.1", extra); ok {
		t.Error("the rejected configuration's target is registered")
	}

	// The target leaves with the old configuration's delay (0 s), not the rejected one's (1 h);
	// and web2, removed, has its log finished.
	next := commitConfig("old", "0", backend)
	next.LoadBalancers = next.LoadBalancers[:1]
	next.TargetGroups[0].Targets = nil
	if err := dp.Apply(ctx, next); err != nil {
		t.Fatal(err)
	}
	dp.obs().accessLogs.finishing.Wait()
	if lines := gzLines(t, filepath.Join(dataDir, "access-logs", "two", "AWSLogs", "*", "*", "*", "*", "*", "*", "*.log.gz")); len(lines) != 1 {
		t.Errorf("removed load balancer's log: %q", lines)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, ok := dp.TargetHealthOf("app", "127.0.0.1", backend); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the removed target still drains: it took the rejected configuration's deregistration delay")
		}
		time.Sleep(10 * time.Millisecond)
	}

	if err := dp.Close(ctx); err != nil {
		t.Fatal(err)
	}
	lines := gzLines(t, filepath.Join(dataDir, "access-logs", "old", "AWSLogs", "*", "*", "*", "*", "*", "*", "*.log.gz"))
	if len(lines) != 1 || !strings.Contains(lines[0], "/after") {
		t.Errorf("access log under the old prefix: %q", lines)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "access-logs", "new")); !os.IsNotExist(err) {
		t.Errorf("the rejected prefix has files: %v", err)
	}
}
