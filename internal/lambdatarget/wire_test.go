package lambdatarget

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestOnTheWire checks T13/T14/LAM-25 on a real socket, where net/http's own behaviour counts:
// Content-Length computed, the function's hop-by-hop headers absent, no Content-Type sniffed,
// and the connection kept alive for the next request.
func TestOnTheWire(t *testing.T) {
	t.Parallel()
	target := New(Options{Invoker: returning(`{"statusCode":201,"isBase64Encoded":true,"body":"aGk=",` +
		`"headers":{"Transfer-Encoding":"chunked","Connection":"close","X-A":"b"}}`)})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := target.ServeHTTP(w, r); err != nil {
			http.Error(w, err.Error(), 599)
		}
	}))
	defer srv.Close()
	conn, err := net.DialTimeout("tcp", srv.Listener.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	for i := range 2 { // twice: the function's Connection: close must not close the client's connection
		if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 || string(body) != "hi" || resp.ContentLength != 2 || resp.TransferEncoding != nil {
			t.Errorf("got %d %q length %d TE %v", resp.StatusCode, body, resp.ContentLength, resp.TransferEncoding)
		}
		if resp.Header.Get("X-A") != "b" || resp.Header.Get("Content-Type") != "" || resp.Close {
			t.Errorf("headers %v, close %t", resp.Header, resp.Close)
		}
		if strings.Contains(resp.Header.Get("Connection"), "close") {
			t.Error("function's Connection: close forwarded")
		}
	}
}
