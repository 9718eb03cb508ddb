package httptarget_test

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/httptarget"
)

// TestH2CUpgradeNeverForwarded is the h2c smuggling attack: a client asks to upgrade to h2c, and
// a target willing to switch would hand it a raw HTTP/2 tunnel past the load balancer's rules.
// The target must not see the upgrade offer, and a target that switches anyway gets the client a
// 502, never a tunnel. A WebSocket offer among other tokens still goes out as WebSocket only.
func TestH2CUpgradeNeverForwarded(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, upgrade, wantUpgrade string
	}{
		{desc: "h2c", upgrade: "h2c"},
		{desc: "unknown protocol", upgrade: "foo/2"},
		{desc: "websocket among others", upgrade: "h2c, websocket", wantUpgrade: "websocket"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			seen := make(chan string, 1)
			addr := rawTarget(t, func(c net.Conn, br *bufio.Reader) {
				upgrade := ""
				for {
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
					if name, value, _ := strings.Cut(line, ":"); strings.EqualFold(name, "Upgrade") || strings.EqualFold(name, "Http2-Settings") {
						upgrade += strings.TrimSpace(name) + "=" + strings.TrimSpace(value) + ";"
					}
				}
				seen <- upgrade
				// Switch whatever was asked: the attack needs a willing target.
				_, _ = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
			})
			srv, _ := front(t, httptarget.New(httptarget.Options{}), addr)
			head, _ := rawDo(t, srv.Listener.Addr().String(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\n"+
				"Upgrade: "+tc.upgrade+"\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
			got := <-seen
			want := ""
			if tc.wantUpgrade != "" {
				want = "Upgrade=" + tc.wantUpgrade + ";"
			}
			if got != want {
				t.Errorf("target saw %q, want %q", got, want)
			}
			if tc.wantUpgrade == "" && head[0] != "HTTP/1.1 502 Bad Gateway" {
				t.Errorf("a target switching to h2c unasked gave the client %q, want 502", head[0])
			}
		})
	}
}
