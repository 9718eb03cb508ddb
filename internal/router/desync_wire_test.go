package router

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// wireResult is what a client saw for one raw request.
type wireResult struct {
	status int
	closed bool // the server ended the connection after the response
}

// rawExchange writes raw on a fresh connection to addr and reads one response. closed is
// checked by reading on after the response: a response with Connection: close must be followed
// by EOF; otherwise the connection must still be open (the server answers a second request).
func rawExchange(t *testing.T, addr, raw string) wireResult {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		if _, err := br.ReadByte(); !errors.Is(err, io.EOF) && !isReset(err) {
			t.Fatalf("Connection: close but the connection stayed open (%v)", err)
		}
		return wireResult{status: resp.StatusCode, closed: true}
	}
	// Still open: a second request on the same connection must be answered.
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n"); err != nil {
		t.Fatalf("second request: %v", err)
	}
	if _, err := http.ReadResponse(br, nil); err != nil {
		t.Fatalf("keep-alive response: %v", err)
	}
	return wireResult{status: resp.StatusCode}
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

// TestDesyncOverTheWire sends each classification as raw bytes over TCP and checks DSY-02's
// action in every mode: the status, whether the connection is closed, and the access-log
// classification. MultipleContentLength is rejected by net/http itself (400, closed) in every
// mode, before the router sees it.
func TestDesyncOverTheWire(t *testing.T) {
	t.Parallel()
	const host = "Host: a.example.com\r\n"
	requests := []struct {
		desc, raw, class, reason string
	}{
		{desc: "compliant", raw: "GET / HTTP/1.1\r\n" + host + "\r\n"},
		{desc: "Acceptable GetHeadZeroContentLength", raw: "GET / HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n", class: "Acceptable", reason: "GetHeadZeroContentLength"},
		{desc: "Acceptable NonCompliantVersion", raw: "GET / HTTP/1.2\r\n" + host + "\r\n", class: "Acceptable", reason: "NonCompliantVersion"},
		{desc: "Acceptable NonCompliantHeader", raw: "GET / HTTP/1.1\r\n" + host + "X-Name: caf\xe9\r\n\r\n", class: "Acceptable", reason: "NonCompliantHeader"},
		{desc: "Ambiguous UndefinedContentLengthSemantics", raw: "GET / HTTP/1.1\r\n" + host + "Content-Length: 3\r\n\r\nabc", class: "Ambiguous", reason: "UndefinedContentLengthSemantics"},
		{desc: "Ambiguous UndefinedTransferEncodingSemantics", raw: "GET / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", class: "Ambiguous", reason: "UndefinedTransferEncodingSemantics"},
		{desc: "Ambiguous SuspiciousHeader", raw: "POST / HTTP/1.1\r\n" + host + "Content_Length: 3\r\nContent-Length: 3\r\n\r\nabc", class: "Ambiguous", reason: "SuspiciousHeader"},
		{desc: "Severe MultipleContentLength (net/http)", raw: "POST / HTTP/1.1\r\n" + host + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", class: "Severe"},
		// Refused by net/http before the router, whatever the mode (docs/rules.md).
		{desc: "net/http SpaceInUri", raw: "GET /a b HTTP/1.1\r\n" + host + "\r\n", class: "net/http"},
		{desc: "net/http AmbiguousUri", raw: "GET /a\x01b HTTP/1.1\r\n" + host + "\r\n", class: "net/http"},
		{desc: "net/http SuspiciousHeader with a space", raw: "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc", class: "net/http"},
		{desc: "net/http BadHeader", raw: "GET / HTTP/1.1\r\n" + host + "X-A: a\x00b\r\n\r\n", class: "net/http"},
		{desc: "net/http BadContentLength", raw: "POST / HTTP/1.1\r\n" + host + "Content-Length: +3\r\n\r\nabc", class: "net/http"},
	}
	// expected[mode][class] = status and closed.
	expected := map[DesyncMode]map[string]wireResult{
		DesyncMonitor:   {"": {200, false}, "Acceptable": {200, false}, "Ambiguous": {200, false}, "Severe": {400, true}, "net/http": {400, true}},
		DesyncDefensive: {"": {200, false}, "Acceptable": {200, false}, "Ambiguous": {200, true}, "Severe": {400, true}, "net/http": {400, true}},
		DesyncStrictest: {"": {200, false}, "Acceptable": {400, true}, "Ambiguous": {400, true}, "Severe": {400, true}, "net/http": {400, true}},
	}
	modeNames := map[DesyncMode]string{DesyncMonitor: "monitor", DesyncDefensive: "defensive", DesyncStrictest: "strictest"}
	for mode, want := range expected {
		for _, req := range requests {
			t.Run(modeNames[mode]+" "+req.desc, func(t *testing.T) {
				t.Parallel()
				rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80, DesyncMode: mode}, alwaysMatch(-1, 0), nil, answer(200, "ok"))
				srv := httptest.NewServer(rt)
				defer srv.Close()
				got := rawExchange(t, srv.Listener.Addr().String(), req.raw)
				if got != want[req.class] {
					t.Errorf("got status %d closed %v, want %+v", got.status, got.closed, want[req.class])
				}
				if req.reason == "" {
					return
				}
				ex := <-obs
				if ex.Classification != req.class || ex.ClassificationReason != req.reason {
					t.Errorf("exchange classification %q %q, want %q %q", ex.Classification, ex.ClassificationReason, req.class, req.reason)
				}
				if wantClose := mode == DesyncDefensive && req.class == "Ambiguous"; ex.CloseConnections != wantClose {
					t.Errorf("CloseConnections %v, want %v", ex.CloseConnections, wantClose)
				}
			})
		}
	}
}
