package e2e

import (
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func fixedConfig(port int, body string, extraListener int) string {
	cfg := fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions:
          - {type: fixed-response, fixed_response_config: {status_code: "200", content_type: text/plain, message_body: %q}}
`, port, body)
	if extraListener != 0 {
		cfg += fmt.Sprintf(`      - port: %d
        address: 127.0.0.1
        default_actions:
          - {type: fixed-response, fixed_response_config: {status_code: "200", content_type: text/plain, message_body: "second"}}
`, extraListener)
	}
	return cfg
}

// TestReloadUnderLoad rewrites the configuration repeatedly while clients send requests without
// pause: every request must succeed, and the answers must move to the new configuration.
func TestReloadUnderLoad(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	inst := start(t, fixedConfig(port, "v0", 0), port)
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)

	load := startLoad(url, 4)
	for i := 1; i <= 5; i++ {
		inst.rewrite(fixedConfig(port, fmt.Sprintf("v%d", i), 0))
		inst.waitLog("configuration reloaded", i)
	}
	requests, failures, lastErr := load.stop()
	if failures != 0 {
		t.Fatalf("%d of %d requests failed during reloads; last: %v", failures, requests, lastErr)
	}
	if requests < 20 {
		t.Fatalf("only %d requests were sent", requests)
	}
	_, body := do(t, client(), newRequest(t, "GET", url, nil))
	if string(body) != "v5" {
		t.Fatalf("after reloads the answer is %q, want v5", body)
	}
}

// TestReloadInvalidKeepsServing checks that an invalid file is reported with every problem and
// the old configuration keeps serving; SIGHUP re-reads the file; listeners open and close.
func TestReloadInvalidKeepsServing(t *testing.T) {
	t.Parallel()
	port, second := freePort(t), freePort(t)
	inst := start(t, fixedConfig(port, "good", 0), port)
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)

	inst.rewrite(`
load_balancers:
  - name: web
    listeners:
      - port: 70000
        default_actions: []
target_groups:
  - {name: tg, port: 80, health_check_interval_seconds: 1}
`)
	inst.waitLog("configuration rejected", 1)
	for _, want := range []string{"load_balancers[0].listeners[0].port", "load_balancers[0].listeners[0].default_actions", "target_groups[0].health_check_interval_seconds"} {
		inst.waitLog("path="+want+" ", 1)
	}
	_, body := do(t, client(), newRequest(t, "GET", url, nil))
	if string(body) != "good" {
		t.Fatalf("old configuration not serving: %q", body)
	}

	// Add a listener, then reload by SIGHUP.
	inst.rewrite(fixedConfig(port, "better", second))
	inst.waitLog("configuration reloaded", 1)
	inst.waitPort(second)
	_ = inst.cmd.Process.Signal(syscall.SIGHUP)
	inst.waitLog("configuration reloaded", 2)
	_, body = do(t, client(), newRequest(t, "GET", fmt.Sprintf("http://127.0.0.1:%d/", second), nil))
	if string(body) != "second" {
		t.Fatalf("added listener answers %q", body)
	}

	// Remove it again: the port closes.
	inst.rewrite(fixedConfig(port, "best", 0))
	inst.waitLog("configuration reloaded", 3)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := client().Get(fmt.Sprintf("http://127.0.0.1:%d/", second))
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("removed listener still answers")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestGracefulShutdown checks that SIGTERM lets a request in flight finish and exits 0.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	slow := startBackend(t, "slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") == "ELB-HealthChecker/2.0" {
			return // health checks (HC-02) must not count as the request in flight
		}
		arrived <- struct{}{}
		<-release
		_, _ = w.Write([]byte("finished"))
	}))
	port := freePort(t)
	inst := start(t, fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: slow}]
target_groups:
  - {name: slow, port: %d, targets: [{id: 127.0.0.1}]}
`, port, slow.port), port)

	result := make(chan string, 1)
	go func() {
		resp, err := client().Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
		if err != nil {
			result <- err.Error()
			return
		}
		defer resp.Body.Close()
		b := make([]byte, 64)
		n, _ := resp.Body.Read(b)
		result <- string(b[:n])
	}()
	select {
	case <-arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("the request never reached the backend")
	}
	_ = inst.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond)
	close(release)
	if got := <-result; got != "finished" {
		t.Fatalf("in-flight request got %q", got)
	}
	if err := inst.stop(); err != nil {
		t.Fatalf("albatross exit: %v", err)
	}
	if code := inst.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

// TestValidateCommand checks `albatross validate`: every problem with its path, exit 1; a valid
// file exits 0 silently.
func TestValidateCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := dir + "/bad.yaml"
	good := dir + "/good.yaml"
	writeFile(t, bad, `
load_balancers:
  - name: web
    listeners:
      - port: 8080
        default_actions: [{type: forward, target_group_name: nope}]
        rules:
          - priority: 0
            conditions: [{field: path-pattern, values: ["/a"]}]
            actions: [{type: fixed-response, fixed_response_config: {status_code: "700"}}]
target_groups:
  - {name: tg, port: 80, health_check_interval_seconds: 1}
`)
	writeFile(t, good, fixedConfig(8080, "ok", 0))
	out, err := exec.Command(binary, "validate", "--config", bad).CombinedOutput()
	if code := exitCode(err); code != 1 {
		t.Fatalf("exit %d, want 1; output:\n%s", code, out)
	}
	for _, want := range []string{
		"load_balancers[0].listeners[0].default_actions[0]",
		"load_balancers[0].listeners[0].rules[0].priority",
		"load_balancers[0].listeners[0].rules[0].actions[0].fixed_response_config.status_code",
		"target_groups[0].health_check_interval_seconds: must be 5..300",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, err = exec.Command(binary, "validate", "--config", good).CombinedOutput()
	if exitCode(err) != 0 || len(out) != 0 {
		t.Fatalf("valid file: exit %d, output %q", exitCode(err), out)
	}
}

// TestPortInUse checks that serve exits non-zero with a clear message when a port is taken.
func TestPortInUse(t *testing.T) {
	t.Parallel()
	taken := startBackend(t, "taken", nil)
	dir := t.TempDir()
	writeFile(t, dir+"/c.yaml", fixedConfig(taken.port, "x", 0))
	out, err := exec.Command(binary, "serve", "--config", dir+"/c.yaml", "--data-dir", dir+"/data").CombinedOutput()
	if exitCode(err) == 0 {
		t.Fatalf("serve exited 0 on a taken port:\n%s", out)
	}
	if !strings.Contains(string(out), fmt.Sprintf("127.0.0.1:%d", taken.port)) || !strings.Contains(string(out), "address already in use") {
		t.Fatalf("unclear message:\n%s", out)
	}
}

// TestReloadFunctionUnderLoad changes a function's settings on every reload while clients call it
// without pause: each reload starts the new function beside the old one, and the old one stops
// only when its invocations are done, so no request fails.
func TestReloadFunctionUnderLoad(t *testing.T) {
	t.Parallel()
	echo, err := filepath.Abs("testdata/functions/albecho")
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	config := func(version string) string {
		return fmt.Sprintf(`
load_balancers:
  - name: fn
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: echo}]
target_groups:
  - {name: echo, target_type: lambda, targets: [{id: echo}]}
functions:
  - {function_name: echo, runtime: provided.al2023, code: %q, build: go, environment: {variables: {VERSION: %s}}}
`, port, echo, version)
	}
	inst := start(t, config("v0"), port)
	url := fmt.Sprintf("http://127.0.0.1:%d/slow", port) // invocations are in flight at every swap

	load := startLoad(url, 4)
	for i := 1; i <= 3; i++ {
		inst.rewrite(config(fmt.Sprintf("v%d", i)))
		inst.waitLog("configuration reloaded", i)
		time.Sleep(200 * time.Millisecond)
	}
	requests, failures, lastErr := load.stop()
	if failures != 0 {
		t.Fatalf("%d of %d requests failed during reloads; last: %v", failures, requests, lastErr)
	}
	resp, _ := do(t, client(), newRequest(t, "GET", url, nil))
	if got := resp.Header.Get("X-Version"); got != "v3" {
		t.Fatalf("after reloads the function reports version %q, want v3", got)
	}
}

// load is clients sending GET requests to one URL without pause, counting every answer that is
// not a 200.
type load struct {
	requests, failures atomic.Int64
	lastErr            atomic.Value
	done               chan struct{}
	wg                 sync.WaitGroup
}

func startLoad(url string, clients int) *load {
	l := &load{done: make(chan struct{})}
	for range clients {
		l.wg.Go(func() {
			c := client()
			for {
				select {
				case <-l.done:
					return
				default:
				}
				resp, err := c.Get(url)
				l.requests.Add(1)
				if err != nil {
					l.failures.Add(1)
					l.lastErr.Store(err.Error())
					continue
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					l.failures.Add(1)
					l.lastErr.Store(resp.Status)
				}
			}
		})
	}
	return l
}

// stop ends the load and returns its counts and the last failure.
func (l *load) stop() (requests, failures int64, lastErr any) {
	close(l.done)
	l.wg.Wait()
	return l.requests.Load(), l.failures.Load(), l.lastErr.Load()
}
