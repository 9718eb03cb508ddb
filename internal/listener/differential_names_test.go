package listener

import (
	"bufio"
	"net"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/httptarget"
	"github.com/albatross-lb/albatross/internal/router"
)

// The differential test of what an HTTP1 target receives on the wire (H2-05, issue 14): the same
// raw requests through net/http's server and through the engine's loop, forwarded by the real
// proxy to a bare TCP target. The intended difference is the field names: net/http's path
// writes them canonically and sorted, the loop's path as the client spelt them and in its order.
// Apart from that the heads must be the same, line for line: no field gained, lost or changed.

// headTarget is a TCP target recording every raw head it receives and answering 204.
type headTarget struct {
	mu    sync.Mutex
	heads []string
}

func startHeadTarget(t *testing.T) (*headTarget, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ht := &headTarget{}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { ht.serve(c) })
		}
	})
	return ht, l.Addr().String()
}

func (ht *headTarget) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(15 * time.Second))
	br := bufio.NewReader(c)
	for {
		var head []string
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if line == "\r\n" {
				break
			}
			head = append(head, strings.TrimSuffix(line, "\r\n"))
		}
		ht.mu.Lock()
		ht.heads = append(ht.heads, strings.Join(head, "\n"))
		ht.mu.Unlock()
		if _, err := c.Write([]byte("HTTP/1.1 204 No Content\r\n\r\n")); err != nil {
			return
		}
	}
}

// proxyAction forwards every request through p to addr, as the forward action does.
type proxyAction struct {
	p    *httptarget.Proxy
	addr string
}

func (a proxyAction) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	return a.p.Serve(w, r, a.addr)
}

// targetHeads sends raw (ending in a request with Connection: close) through a listener on the
// given engine and returns the heads the target received, the trace ID's value masked.
func targetHeads(t *testing.T, netHTTP bool, settings router.Settings, raw string) []string {
	t.Helper()
	eng := engineOwn
	if netHTTP {
		eng = engineNetHTTP
	}
	ht, addr := startHeadTarget(t)
	p := httptarget.New(httptarget.Options{})
	defer p.Close()
	obs := &logRecorder{added: make(chan struct{}, 1)}
	rt := router.New(settings, firstRule{}, nil, proxyAction{p: p, addr: addr}, obs, nil)
	l := listen(t, rt, Options{IdleTimeout: 5 * time.Second, engine: eng})
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(15 * time.Second))
	_, _ = c.Write([]byte(raw))
	br := bufio.NewReader(c)
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			break
		}
		resp.Body.Close()
	}
	ctxClose(t, l)
	ht.mu.Lock()
	defer ht.mu.Unlock()
	heads := slices.Clone(ht.heads)
	for i, h := range heads {
		lines := strings.Split(h, "\n")
		for j, line := range lines {
			if name, _, ok := strings.Cut(line, ":"); ok && j > 0 && strings.EqualFold(name, "X-Amzn-Trace-Id") {
				lines[j] = name + ": (trace)"
			}
		}
		heads[i] = strings.Join(lines, "\n")
	}
	return heads
}

// folded is head with every field name canonical and the field lines sorted: what is left when
// spelling and order are set aside. (Host is always the first field on both paths.)
func folded(head string) string {
	lines := strings.Split(head, "\n")
	for i := 1; i < len(lines); i++ {
		name, value, _ := strings.Cut(lines[i], ":")
		lines[i] = textproto.CanonicalMIMEHeaderKey(name) + ":" + value
	}
	slices.Sort(lines[1:])
	return strings.Join(lines, "\n")
}

// TestDifferentialTargetNames: per case, the heads an HTTP1 target receives on the loop's path
// are exactly the expected ones (client's spelling and order, the load balancer's fields
// canonical after them), and the same as on net/http's path once names are folded and sorted.
func TestDifferentialTargetNames(t *testing.T) {
	t.Parallel()
	settings := router.Settings{Protocol: "HTTP", Port: 80, DNSName: "lb.example", ServerHeader: true, DesyncMode: router.DesyncDefensive}
	dropInvalid := settings
	dropInvalid.DropInvalidHeaders = true
	const lb = "X-Amzn-Trace-Id: (trace)\nX-Forwarded-For: 127.0.0.1\nX-Forwarded-Port: 80\nX-Forwarded-Proto: http"
	cases := []struct {
		desc     string
		settings router.Settings
		raw      string
		want     []string // the heads the target receives on the loop's path
	}{
		{"spelling and order", settings,
			"GET /a HTTP/1.1\r\nhost: a.example.com\r\nx-custom: 1\r\nX-MiXeD-Case: 2\r\nuser-agent: t\r\nConnection: close\r\n\r\n",
			[]string{"GET /a HTTP/1.1\nHost: a.example.com\nx-custom: 1\nX-MiXeD-Case: 2\nuser-agent: t\n" + lb}},
		{"repeated names, pipelined", settings,
			"GET /1 HTTP/1.1\r\nHost: a.example.com\r\nx-multi: 1\r\nB: 2\r\nX-MULTI: 3\r\n\r\n" +
				"GET /2 HTTP/1.1\r\nHost: a.example.com\r\nzz: 1\r\naa: 2\r\nConnection: close\r\n\r\n",
			[]string{"GET /1 HTTP/1.1\nHost: a.example.com\nx-multi: 1\nx-multi: 3\nB: 2\n" + lb,
				"GET /2 HTTP/1.1\nHost: a.example.com\nzz: 1\naa: 2\n" + lb}},
		{"hop-by-hop, Expect, Forwarded and X-Forwarded-Host removed", settings,
			"POST /h HTTP/1.1\r\nHost: a.example.com\r\nconnection: close, x-hop\r\nx-hop: s\r\nkeep-alive: 5\r\nexpect: 100-continue\r\n" +
				"forwarded: for=1.2.3.4\r\nx-forwarded-host: evil\r\nx-kept: 1\r\ncontent-length: 2\r\n\r\nhi",
			[]string{"POST /h HTTP/1.1\nHost: a.example.com\nx-kept: 1\n" + lb + "\nContent-Length: 2"}},
		{"the client's forwarding fields are the load balancer's", settings,
			"GET /x HTTP/1.1\r\nHost: a.example.com\r\nx-forwarded-for: 203.0.113.9\r\nx-forwarded-proto: https\r\nx-amzn-trace-id: Root=1-63441c4a-abcdef012345678912345678\r\nConnection: close\r\n\r\n",
			[]string{"GET /x HTTP/1.1\nHost: a.example.com\nX-Amzn-Trace-Id: (trace)\nX-Forwarded-For: 203.0.113.9, 127.0.0.1\nX-Forwarded-Port: 80\nX-Forwarded-Proto: http"}},
		{"DSY-03 drops an invalid name", dropInvalid,
			"GET /d HTTP/1.1\r\nHost: a.example.com\r\nx_under: 1\r\nx-ok: 2\r\nConnection: close\r\n\r\n",
			[]string{"GET /d HTTP/1.1\nHost: a.example.com\nx-ok: 2\n" + lb}},
	}
	type result struct{ old, cur []string }
	results := make([]result, len(cases))
	var wg sync.WaitGroup
	for i, tc := range cases {
		wg.Go(func() { results[i].old = targetHeads(t, true, tc.settings, tc.raw) })
		wg.Go(func() { results[i].cur = targetHeads(t, false, tc.settings, tc.raw) })
	}
	wg.Wait()
	for i, tc := range cases {
		old, cur := results[i].old, results[i].cur
		if !slices.Equal(cur, tc.want) {
			t.Errorf("%s: the target received on the loop's path\n%s\nwant\n%s", tc.desc, strings.Join(cur, "\n--\n"), strings.Join(tc.want, "\n--\n"))
		}
		if len(old) != len(cur) {
			t.Errorf("%s: the target received %d heads on net/http's path, %d on the loop's", tc.desc, len(old), len(cur))
			continue
		}
		for j := range old {
			if folded(old[j]) != folded(cur[j]) {
				t.Errorf("%s: beyond spelling and order the heads differ\n--- net/http\n%s\n--- h1/server\n%s", tc.desc, old[j], cur[j])
			}
			for _, line := range strings.Split(old[j], "\n")[1:] {
				if name, _, _ := strings.Cut(line, ":"); name != textproto.CanonicalMIMEHeaderKey(name) {
					t.Errorf("%s: net/http's path no longer writes canonical names:\n%s", tc.desc, old[j])
				}
			}
		}
	}
}
