package listener

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/router"
)

// The differential test (issue 14, point 5) sends the same raw requests through a listener on
// net/http's server and one on Albatross's own loop, both feeding the same router, and compares
// what the client receives and what the target (the router's action) receives, request by
// request, with the access log's classification. Where the two differ, the difference is
// intended and listed in docs/engine.md §2 ("Differences from the net/http path"); the case
// then states what the new path does.

// transcript is everything one raw exchange produced, in a form both paths can be compared in.
type transcript struct {
	client []string // one line per response: proto, status, headers but Date, body
	target []string // one line per request the action received
	log    []string // classification and reason per exchange
	// requests is the access log's request field per exchange (§8.2 field 13: method, host,
	// target, version; refusals included, issue 20).
	requests []string
}

func (tr transcript) String() string {
	return "client:\n  " + strings.Join(tr.client, "\n  ") + "\ntarget:\n  " + strings.Join(tr.target, "\n  ") +
		"\nlog: " + strings.Join(tr.log, ", ") + "\nrequests: " + strings.Join(tr.requests, ", ")
}

// recordingAction is the target: it records the request as the router forwards it.
type recordingAction struct {
	mu   sync.Mutex
	seen []string
}

func (a *recordingAction) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	var names []string
	for name, values := range r.Header {
		if name == "X-Amzn-Trace-Id" {
			values = []string{"(trace)"}
		}
		names = append(names, fmt.Sprintf("%s=%q", name, values))
	}
	slices.Sort(names)
	line := fmt.Sprintf("%s %s %s host=%q len=%d te=%v body=%q err=%v headers=%s", r.Method, r.URL.RequestURI(), r.Proto,
		r.Host, r.ContentLength, r.TransferEncoding, body, err != nil, strings.Join(names, " "))
	a.mu.Lock()
	a.seen = append(a.seen, line)
	a.mu.Unlock()
	if err != nil {
		return err // as a forward does: the router answers (408 for an idle client)
	}
	w.Header().Set("X-Seen", fmt.Sprint(len(body)))
	_, _ = io.WriteString(w, "ok "+r.URL.Path)
	return nil
}

type firstRule struct{}

func (firstRule) Match(*http.Request, netip.Addr) (int, int) { return -1, 0 }

type logRecorder struct {
	mu       sync.Mutex
	got      []string
	requests []string
	added    chan struct{}
}

func (o *logRecorder) Observe(ex *observe.Exchange) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, fmt.Sprintf("%d:%s/%s", ex.Status, ex.Classification, ex.ClassificationReason))
	o.requests = append(o.requests, fmt.Sprintf("%q %s %q %s", ex.Method, ex.RequestHost, ex.RequestURI, ex.HTTPVersion))
	select {
	case o.added <- struct{}{}:
	default:
	}
}

// wait returns the entries once there are n, or what there is when none came for a while:
// exchanges answered on a hijacked connection (elberr's raw pages) are observed after the
// client has its response, and net/http's Shutdown does not wait for them.
func (o *logRecorder) wait(n int) []string {
	for {
		o.mu.Lock()
		got := slices.Clone(o.got)
		o.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-o.added:
		case <-time.After(time.Second):
			return got
		}
	}
}

// runThrough sends raw on a fresh connection to a listener on the given engine and returns the
// transcript. The listener's idle timeout ends connections the client leaves open.
func runThrough(t *testing.T, netHTTP bool, mode router.DesyncMode, raw string) transcript {
	eng := engineOwn
	if netHTTP {
		eng = engineNetHTTP
	}
	t.Helper()
	act, obs := &recordingAction{}, &logRecorder{added: make(chan struct{}, 1)}
	rt := router.New(router.Settings{Protocol: "HTTP", Port: 80, DNSName: "lb.example", ServerHeader: true, DesyncMode: mode},
		firstRule{}, nil, act, obs, nil)
	l := listen(t, rt, Options{IdleTimeout: time.Second, engine: eng})
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Error(err) // runs on a goroutine of its own: no Fatal
		return transcript{}
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(15 * time.Second))
	_, _ = io.WriteString(c, raw)
	var tr transcript
	br := bufio.NewReader(c)
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			break
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Header.Del("Date")
		var h []string
		for name, values := range resp.Header {
			h = append(h, fmt.Sprintf("%s=%q", name, values))
		}
		slices.Sort(h)
		tr.client = append(tr.client, fmt.Sprintf("%s %d close=%v %s %q", resp.Proto, resp.StatusCode, resp.Close, strings.Join(h, " "), body))
	}
	ctxClose(t, l)
	act.mu.Lock()
	tr.target = act.seen
	act.mu.Unlock()
	tr.log = obs.wait(len(tr.client))
	obs.mu.Lock()
	tr.requests = slices.Clone(obs.requests)
	obs.mu.Unlock()
	return tr
}

// ctxClose closes l now, so that every exchange is finished and observed.
func ctxClose(t *testing.T, l *Listener) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = l.Close(ctx)
}

const hostLine = "Host: a.example.com\r\n"

// sameCases must read the same through both paths.
var sameCases = []struct{ desc, raw string }{
	{"simple GET", "GET /a?b=c HTTP/1.1\r\n" + hostLine + "User-Agent: t\r\n\r\n"},
	{"keep-alive then close", "GET /1 HTTP/1.1\r\n" + hostLine + "\r\nGET /2 HTTP/1.1\r\n" + hostLine + "Connection: close\r\n\r\n"},
	{"pipelined with bodies", "POST /1 HTTP/1.1\r\n" + hostLine + "Content-Length: 3\r\n\r\nabcPOST /2 HTTP/1.1\r\n" + hostLine +
		"Transfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\nGET /3 HTTP/1.1\r\n" + hostLine + "Connection: close\r\n\r\n"},
	{"HEAD", "HEAD /h HTTP/1.1\r\n" + hostLine + "Connection: close\r\n\r\n"},
	{"HTTP/1.0 without Host", "GET /old HTTP/1.0\r\n\r\n"},
	{"HTTP/1.0 keep-alive", "GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n" + hostLine + "\r\nGET /2 HTTP/1.0\r\n" + hostLine + "\r\n"},
	{"Expect 100-continue", "PUT /e HTTP/1.1\r\n" + hostLine + "Expect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"},
	{"absolute-form target", "GET http://other.example/p HTTP/1.1\r\n" + hostLine + "Connection: close\r\n\r\n"},
	{"multiple values and case", "GET / HTTP/1.1\r\n" + hostLine + "x-multi: 1\r\nX-Multi: 2\r\naccept: */*\r\nConnection: close\r\n\r\n"},
	{"TRACE is 405", "TRACE / HTTP/1.1\r\n" + hostLine + "\r\n"},
	{"no Host", "GET / HTTP/1.1\r\n\r\n"},
	{"two Hosts", "GET / HTTP/1.1\r\n" + hostLine + hostLine + "\r\n"},
	{"garbage", "GARBAGE\r\n\r\n"},
	{"LST-07 gzip", "POST / HTTP/1.1\r\n" + hostLine + "Transfer-Encoding: gzip\r\n\r\n"},
	{"HTTP/2.0 request line", "GET / HTTP/2.0\r\n" + hostLine + "\r\n"},
	{"NUL in a value", "GET / HTTP/1.1\r\n" + hostLine + "X-A: a\x00b\r\n\r\n"},
	{"control character in the target", "GET /a\x01b HTTP/1.1\r\n" + hostLine + "\r\n"},
	{"Acceptable GetHeadZeroContentLength", "GET / HTTP/1.1\r\n" + hostLine + "Content-Length: 0\r\nConnection: close\r\n\r\n"},
	{"Acceptable NonCompliantVersion", "GET / HTTP/1.2\r\n" + hostLine + "Connection: close\r\n\r\n"},
	{"Ambiguous GET with a body", "GET / HTTP/1.1\r\n" + hostLine + "Content-Length: 3\r\n\r\nabc"},
	{"Ambiguous SuspiciousHeader", "POST / HTTP/1.1\r\n" + hostLine + "Content_Length: 3\r\nContent-Length: 3\r\n\r\nabc"},
	{"bare LF in a chunk", "POST / HTTP/1.1\r\n" + hostLine + "Transfer-Encoding: chunked\r\n\r\n1\nx\r\n0\r\n\r\n"},
	{"stalled body is 408", "POST / HTTP/1.1\r\n" + hostLine + "Content-Length: 10\r\n\r\nabc"},
	// Refused by net/http itself, rewritten into the ALB's page by albConn and logged from what it
	// captured of the head (issue 20), as the new loop refuses and logs them.
	{"different Content-Lengths", "POST / HTTP/1.1\r\n" + hostLine + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"},
	{"bad Content-Length", "POST / HTTP/1.1\r\n" + hostLine + "Content-Length: +3\r\n\r\nabc"},
	// Both close after the 414: the loop as the bytes arrive, net/http's path after the router's
	// answer, since nothing after a line the load balancer did not read can be framed.
	{"request line over 16 K", "GET /" + strings.Repeat("a", 17<<10) + " HTTP/1.1\r\n" + hostLine + "\r\n"},
	{"header block over 64 K", "GET / HTTP/1.1\r\n" + hostLine + strings.Repeat("X-Pad: "+strings.Repeat("p", 8000)+"\r\n", 9) + "\r\n"},
}

// changedCases read differently, on purpose (docs/engine.md §2): responses is the new path's
// "status close=…" per response, log its access-log entries (status:class/reason).
var changedCases = []struct {
	desc, raw string
	responses []string
	log       []string
}{
	{desc: "chunked twice", raw: "POST / HTTP/1.1\r\n" + hostLine + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
		responses: []string{"400 close=true"}, log: []string{"400:Severe/MultipleTransferEncodingChunked"}},
	{desc: "obs-text is compliant", raw: "GET / HTTP/1.1\r\n" + hostLine + "X-Name: caf\xe9\r\nConnection: close\r\n\r\n",
		responses: []string{"200 close=true"}, log: []string{"200:/"}},
	{desc: "BothTeClPresent", raw: "POST / HTTP/1.1\r\n" + hostLine + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		responses: []string{"200 close=true"}, log: []string{"200:Ambiguous/BothTeClPresent"}},
	{desc: "DuplicateContentLength", raw: "POST / HTTP/1.1\r\n" + hostLine + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
		responses: []string{"200 close=true"}, log: []string{"200:Ambiguous/DuplicateContentLength"}},
	{desc: "MultilineHeader", raw: "GET / HTTP/1.1\r\n" + hostLine + "X-F: a\r\n b\r\n\r\n",
		responses: []string{"200 close=true"}, log: []string{"200:Ambiguous/MultilineHeader"}},
	{desc: "NonCrLfLineTermination", raw: "GET / HTTP/1.1\n" + hostLine + "Connection: close\n\n",
		responses: []string{"200 close=true"}, log: []string{"200:Acceptable/NonCrLfLineTermination"}},
	{desc: "SpaceInUri", raw: "GET /a b HTTP/1.1\r\n" + hostLine + "Connection: close\r\n\r\n",
		responses: []string{"200 close=true"}, log: []string{"200:Acceptable/SpaceInUri"}},
	{desc: "space before the colon", raw: "POST / HTTP/1.1\r\n" + hostLine + "Transfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc",
		responses: []string{"200 close=true"}, log: []string{"200:Ambiguous/SuspiciousHeader"}},
	{desc: "Transfer-Encoding identity", raw: "GET / HTTP/1.1\r\n" + hostLine + "Transfer-Encoding: identity\r\nConnection: close\r\n\r\n",
		responses: []string{"200 close=true"}, log: []string{"200:Ambiguous/UndefinedTransferEncodingSemantics"}},
	{desc: "chunked on HTTP/1.0", raw: "POST / HTTP/1.0\r\n" + hostLine + "Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
		responses: []string{"200 close=true"}, log: []string{"200:Ambiguous/UndefinedTransferEncodingSemantics"}},
	{desc: "line without a colon", raw: "GET / HTTP/1.1\r\n" + hostLine + "NoColon\r\n\r\n",
		responses: []string{"200 close=true"}, log: []string{"200:Ambiguous/MissingHeaderColon"}},
}

// TestDifferentialEngines runs every case through both paths at once (the waits are for idle
// timeouts, not CPU) and compares.
func TestDifferentialEngines(t *testing.T) {
	t.Parallel()
	type result struct{ old, cur transcript }
	results := make([]result, len(sameCases)+len(changedCases))
	raws := make([]string, 0, len(results))
	for _, tc := range sameCases {
		raws = append(raws, tc.raw)
	}
	for _, tc := range changedCases {
		raws = append(raws, tc.raw)
	}
	var wg sync.WaitGroup
	for i, raw := range raws {
		wg.Go(func() { results[i].old = runThrough(t, true, router.DesyncDefensive, raw) })
		wg.Go(func() { results[i].cur = runThrough(t, false, router.DesyncDefensive, raw) })
	}
	wg.Wait()
	for i, tc := range sameCases {
		if r := results[i]; r.old.String() != r.cur.String() {
			t.Errorf("%s: the paths differ\n--- net/http\n%s\n--- h1/server\n%s", tc.desc, r.old, r.cur)
		}
	}
	for i, tc := range changedCases {
		r := results[len(sameCases)+i]
		if r.old.String() == r.cur.String() {
			t.Errorf("%s: the paths no longer differ; move the case to sameCases and docs/engine.md along\n%s", tc.desc, r.cur)
			continue
		}
		if got := statuses(r.cur); !slices.Equal(got, tc.responses) || !slices.Equal(r.cur.log, tc.log) {
			t.Errorf("%s: the new path gave\n%s\nwant responses %q log %q (net/http gave\n%s)", tc.desc, r.cur, tc.responses, tc.log, r.old)
		}
	}
}

// statuses is "status close=…" of each response.
func statuses(tr transcript) []string {
	var out []string
	for _, line := range tr.client {
		f := strings.Fields(line)
		out = append(out, f[1]+" "+f[2])
	}
	return out
}

// TestDesyncModesOnRawHeads: routing.http.desync_mitigation_mode acts on the classes only the
// raw head shows (DSY-01, DSY-02): monitor serves and keeps the connection, defensive serves
// Ambiguous requests and closes, strictest blocks anything not Compliant; RFC 9112's close
// after Transfer-Encoding with Content-Length holds in every mode.
func TestDesyncModesOnRawHeads(t *testing.T) {
	t.Parallel()
	cases := []struct {
		desc, raw, log string
		want           map[router.DesyncMode]string
	}{
		{"DuplicateContentLength", "POST / HTTP/1.1\r\n" + hostLine + "Content-Length: 1\r\nContent-Length: 1\r\n\r\na", "Ambiguous/DuplicateContentLength",
			map[router.DesyncMode]string{router.DesyncMonitor: "200 close=false", router.DesyncDefensive: "200 close=true", router.DesyncStrictest: "400 close=true"}},
		{"BothTeClPresent", "POST / HTTP/1.1\r\n" + hostLine + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "Ambiguous/BothTeClPresent",
			map[router.DesyncMode]string{router.DesyncMonitor: "200 close=true", router.DesyncDefensive: "200 close=true", router.DesyncStrictest: "400 close=true"}},
		{"NonCrLfLineTermination", "GET / HTTP/1.1\n" + hostLine + "\n", "Acceptable/NonCrLfLineTermination",
			map[router.DesyncMode]string{router.DesyncMonitor: "200 close=false", router.DesyncDefensive: "200 close=false", router.DesyncStrictest: "400 close=true"}},
		{"BadVersion", "GET / HTTP/1.10\r\n" + hostLine + "\r\n", "Severe/BadVersion",
			map[router.DesyncMode]string{router.DesyncMonitor: "200 close=false", router.DesyncDefensive: "400 close=true", router.DesyncStrictest: "400 close=true"}},
	}
	type result struct {
		desc string
		mode router.DesyncMode
		want string
		log  string
		tr   transcript
	}
	var mu sync.Mutex
	var results []result
	var wg sync.WaitGroup
	for _, tc := range cases {
		for mode, want := range tc.want {
			wg.Go(func() {
				tr := runThrough(t, false, mode, tc.raw)
				mu.Lock()
				results = append(results, result{tc.desc, mode, want, tc.log, tr})
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	for _, r := range results {
		got := statuses(r.tr)
		wantLog := strings.SplitN(r.want, " ", 2)[0] + ":" + r.log
		if len(got) == 0 || got[0] != r.want || len(r.tr.log) == 0 || r.tr.log[0] != wantLog {
			t.Errorf("%s in mode %d: got %q log %q, want %q log %q", r.desc, r.mode, got, r.tr.log, r.want, wantLog)
		}
	}
}
