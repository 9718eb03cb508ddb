package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestClientGoneThroughTheEngine: through the real binary and its own HTTP/1.1 engine, a client
// that closes its connection while its request waits on the target gets the request cancelled:
// the target's request ends and the access log records 460 (§7); and a keep-alive client whose
// request lasted long enough to be watched (docs/engine.md, the client-gone watch) sends its
// next request on the same connection and is served.
func TestClientGoneThroughTheEngine(t *testing.T) {
	t.Parallel()
	arrived, ended := make(chan struct{}, 1), make(chan struct{}, 1)
	slow := startBackend(t, "slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/leave":
			arrived <- struct{}{}
			select {
			case <-r.Context().Done():
				ended <- struct{}{}
			case <-time.After(30 * time.Second):
			}
		case "/watched":
			time.Sleep(50 * time.Millisecond) // well past the watch's 5 ms
		}
		_, _ = io.WriteString(w, r.URL.Path)
	}))
	port := freePort(t)
	inst := start(t, fmt.Sprintf(`
load_balancers:
  - name: gone
    attributes:
      access_logs.s3.enabled: "true"
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: slow}]
target_groups:
  - {name: slow, port: %d, targets: [{id: 127.0.0.1}]}
`, port, slow.port), port)

	dial := func() net.Conn {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
		t.Cleanup(func() { _ = c.Close() })
		return c
	}

	t.Run("a kept connection after a watched request", func(t *testing.T) {
		c := dial()
		br := bufio.NewReader(c)
		for _, path := range []string{"/watched", "/next", "/watched", "/watched", "/next"} {
			_, _ = io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: gone.example\r\n\r\n")
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(body) != path {
				t.Fatalf("%s: %d %q", path, resp.StatusCode, body)
			}
		}
	})

	t.Run("a client that leaves", func(t *testing.T) {
		c := dial()
		_, _ = io.WriteString(c, "GET /leave HTTP/1.1\r\nHost: gone.example\r\n\r\n")
		select {
		case <-arrived:
		case <-time.After(30 * time.Second):
			t.Fatal("the request never reached the target")
		}
		_ = c.Close()
		select {
		case <-ended:
		case <-time.After(30 * time.Second):
			t.Fatal("the target's request went on after its client left")
		}
		eventually(t, "a 460 entry in the access log", func() error {
			for _, e := range accessLogEntries(t, inst) {
				if strings.Contains(e.request, "/leave ") {
					if e.status != "460" {
						return fmt.Errorf("entry %+v, want 460", e)
					}
					return nil
				}
			}
			return fmt.Errorf("no entry for /leave yet")
		})
	})
}
