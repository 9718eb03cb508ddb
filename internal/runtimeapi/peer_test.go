package runtimeapi

import (
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

// TestPeerGuard: with AllowPeer set, a connection it refuses gets 403 AccessDeniedException in
// the Runtime API's error shape and is reported; one it allows is served as before.
func TestPeerGuard(t *testing.T) {
	t.Parallel()
	var allow atomic.Bool
	var refused atomic.Int32
	s, err := New(Config{
		AllowPeer: func(client, server netip.AddrPort) bool {
			return allow.Load() && client.Addr().IsLoopback() && server.Addr().IsLoopback()
		},
		Refused: func(netip.AddrPort) { refused.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := &testClient{t: t, base: "http://" + s.Addr()}
	noKeepAlive := http.Header{"Connection": {"close"}}

	r := c.get("/ping", noKeepAlive)
	if r.status != http.StatusForbidden || !strings.Contains(r.body, `"errorType":"AccessDeniedException"`) {
		t.Errorf("refused connection got %d %q", r.status, r.body)
	}
	if refused.Load() != 1 {
		t.Errorf("Refused called %d times; want 1", refused.Load())
	}
	allow.Store(true)
	if r := c.get("/ping", noKeepAlive); r.status != http.StatusOK {
		t.Errorf("allowed connection got %d %q", r.status, r.body)
	}
}
