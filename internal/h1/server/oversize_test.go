package server

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestOversizeHeadHandedOver: with OversizeHead set, a head over LIM-01's limits is given to it
// with its bytes so far and the live connection, instead of the 400 page; earlier requests on
// the connection were served by the loop, and without OversizeHead the page is still sent.
func TestOversizeHeadHandedOver(t *testing.T) {
	t.Parallel()
	type handover struct {
		nc       net.Conn
		buffered []byte
	}
	got := make(chan handover, 1)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }),
		0, func(s *Server) { s.OversizeHead = func(nc net.Conn, b []byte) { got <- handover{nc, b} } })
	c := dial(t, addr)
	br := bufio.NewReader(c)
	if _, err := io.WriteString(c, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if resp, body := readResponse(t, br, "GET"); resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("first request: %d %q", resp.StatusCode, body)
	}
	head := "POST /b HTTP/1.1\r\nHost: h\r\nX-Big: " + strings.Repeat("x", 40<<10)
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	h := <-got
	if !bytes.HasPrefix(h.buffered, []byte("POST /b HTTP/1.1\r\n")) || !strings.HasPrefix(head, string(h.buffered)) {
		t.Fatalf("handed over %q...", h.buffered[:min(40, len(h.buffered))])
	}
	// The connection is the taker's: it answers on it.
	if _, err := io.WriteString(h.nc, "HTTP/1.1 204 No Content\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if resp, _ := readResponse(t, br, "POST"); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("after the handover: %d", resp.StatusCode)
	}
	_ = h.nc.Close()

	plain, _ := serve(t, http.NotFoundHandler(), 0)
	c2 := dial(t, plain)
	if _, err := io.WriteString(c2, head+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if resp, _ := readResponse(t, bufio.NewReader(c2), "POST"); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("without OversizeHead: %d, want 400", resp.StatusCode)
	}
}
