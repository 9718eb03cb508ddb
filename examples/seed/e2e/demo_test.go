// Package e2e runs the seed demo as a newcomer would, through run.sh (what `make demo` runs), and
// checks every route of the story and a clean stop.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// demo is a running run.sh.
type demo struct {
	cmd   *exec.Cmd
	base  string
	ports []int
	mu    sync.Mutex
	out   bytes.Buffer // everything the script printed
	done  chan error
}

func (d *demo) output() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.out.String()
}

// startDemo runs run.sh on a free port and waits for its ready line. The first run compiles
// versitygw and the AWS SDK, so the wait is bounded by the test deadline rather than a constant.
func startDemo(t *testing.T) *demo {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command("bash", "../run.sh")
	// The API right above PORT, as a newcomer moving the demo is likely to ask for: it is also the
	// first port run.sh would otherwise give a site (freePort leaves PORT to PORT+5 free).
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "API_PORT="+strconv.Itoa(port+1))
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &demo{cmd: cmd, base: fmt.Sprintf("http://127.0.0.1:%d", port), ports: []int{port}, done: make(chan error, 1)}
	ready := make(chan struct{})
	go d.read(pr, ready)
	go func() { err := cmd.Wait(); pw.Close(); d.done <- err }()
	t.Cleanup(func() { d.kill() })

	limit := 20 * time.Minute
	if dl, ok := t.Deadline(); ok {
		limit = time.Until(dl) - 30*time.Second
	}
	select {
	case <-ready:
	case err := <-d.done:
		d.done <- err
		t.Fatalf("run.sh exited before it was ready: %v\n%s", err, d.output())
	case <-time.After(limit):
		t.Fatalf("run.sh was not ready within %s\n%s", limit, d.output())
	}
	d.ports = append(d.ports, internalPorts(d.output())...)
	if len(d.ports) != 6 {
		t.Fatalf("want PORT, 4 internal ports and the API port in the output, found %v\n%s", d.ports, d.output())
	}
	return d
}

// read keeps the script's output and closes ready at its ready line.
func (d *demo) read(r io.Reader, ready chan<- struct{}) {
	sc := bufio.NewScanner(r)
	closed := false
	for sc.Scan() {
		d.mu.Lock()
		d.out.WriteString(sc.Text() + "\n")
		d.mu.Unlock()
		if !closed && strings.HasPrefix(sc.Text(), "== Demo ready on ") {
			close(ready)
			closed = true
		}
	}
	_, _ = io.Copy(io.Discard, r)
}

// kill is the test's own safety net: SIGKILL the script's children's groups and the script.
func (d *demo) kill() {
	if d.cmd.ProcessState != nil {
		return
	}
	for _, pid := range descendants(d.cmd.Process.Pid) {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
	_ = d.cmd.Process.Kill()
}

// stop sends SIGINT, as Ctrl-C does, and returns the script's exit error.
func (d *demo) stop(t *testing.T) error {
	t.Helper()
	if err := d.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-d.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("run.sh did not stop within 30s after SIGINT\n%s", d.output())
	}
	return nil
}

var (
	s3PortLine   = regexp.MustCompile(`S3 server .* on 127\.0\.0\.1:(\d+)`)
	monolithLine = regexp.MustCompile(`site-1 :(\d+), site-2 :(\d+), checkout-1 :(\d+)`)
	apiPortLine  = regexp.MustCompile(`its API on 127\.0\.0\.1:(\d+)`)
)

// internalPorts returns the S3 and monolith ports run.sh announced.
func internalPorts(out string) []int {
	var ports []int
	for _, re := range []*regexp.Regexp{s3PortLine, monolithLine, apiPortLine} {
		m := re.FindStringSubmatch(out)
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			ports = append(ports, n)
		}
	}
	return ports
}

func freePort(t *testing.T) int {
	t.Helper()
	// run.sh takes the ports just above PORT for S3 and the monolith, after seeding: if PORT came
	// from the OS's ephemeral range, an outgoing connection (the seeder's, a health check's) may
	// take one of them first. Ports below that range are never handed out implicitly.
	for range 200 {
		port := 20000 + rand.IntN(12000)
		ok := true
		for p := port; p <= port+5 && ok; p++ {
			ok = portFree(p)
		}
		if ok {
			return port
		}
	}
	t.Fatal("no free block of ports between 20000 and 32000")
	return 0
}

// portFree reports whether nothing listens on 127.0.0.1:port.
func portFree(port int) bool {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// waitGone waits briefly for processes to disappear and returns those still alive.
func waitGone(pids []int) []int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		var alive []int
		for _, pid := range pids {
			if processAlive(pid) {
				alive = append(alive, pid)
			}
		}
		if len(alive) == 0 || time.Now().After(deadline) {
			return alive
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// context-free helpers above; the routes below use a client that does not follow redirects.
var client = &http.Client{
	Timeout:       20 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func do(t *testing.T, method, url string, header http.Header, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return resp, b
}
