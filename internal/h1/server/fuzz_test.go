package server

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzConn feeds a connection arbitrary bytes, then half-closes it: the loop must answer and
// end without a panic, a hang or a goroutine left behind (TestMain's leak check), whatever the
// bytes (go test -fuzz FuzzConn ./internal/h1/server).
func FuzzConn(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcPOST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab",
		"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTrailer: X\r\n\r\n1;a=b\r\nx\r\n0\r\nX: 1\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n",
		"GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nbytes",
		"GET / HTTP/1.0\r\n\r\n",
		"\r\n\r\nGET / HTTP/1.1\nHost: a\n X: folded\n\n",
		"GET /" + strings.Repeat("a", 100) + " HTTP/1.1\r\n",
		"GARBAGE\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	defer ln.Close()
	s := &Server{Handler: fuzzHandler, IdleTimeout: 2 * time.Second}
	f.Fuzz(func(t *testing.T, in []byte) {
		client, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		server, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.ServeConn(server, server)
		}()
		_ = client.SetDeadline(time.Now().Add(20 * time.Second))
		go func() {
			_, _ = client.Write(in)
			_ = client.(*net.TCPConn).CloseWrite()
		}()
		if _, err := io.Copy(io.Discard, client); err != nil {
			t.Fatalf("the connection did not end: %v", err)
		}
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("ServeConn did not return after the client left")
		}
	})
}

// fuzzHandler reads the body and answers, hijacking for upgrades like a WebSocket proxy.
var fuzzHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") != "" {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\n\r\n")
		_ = brw.Flush()
		_, _ = io.Copy(conn, conn)
		return
	}
	n, _ := io.Copy(io.Discard, r.Body)
	w.Header().Set("X-Read", strings.Repeat("n", int(n%7)))
	_, _ = io.WriteString(w, r.Method)
})
