package server

import (
	"bufio"
	"net/http"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// TestArrivedIsTheHeadsFirstByte: the loop tells the handler when the request began to arrive
// (wire.Received.Arrived, the router's request_creation_time): at the head's first byte, not
// when the head was complete, and anew for every request of the connection.
func TestArrivedIsTheHeadsFirstByte(t *testing.T) {
	arrived := make(chan time.Time, 2)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- wire.ArrivedAt(r.Context())
	}), time.Minute)
	c := dial(t, addr)
	br := bufio.NewReader(c)
	const gap = 200 * time.Millisecond
	for i := range 2 {
		sent := time.Now()
		if _, err := c.Write([]byte("GET /")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(gap) // the rest of the head comes later
		if _, err := c.Write([]byte(" HTTP/1.1\r\nHost: a\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		got := <-arrived
		if resp, _ := readResponse(t, br, http.MethodGet); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d", i, resp.StatusCode)
		}
		if d := got.Sub(sent); d < 0 || d >= gap {
			t.Errorf("request %d: arrived %v after its first byte was sent; want within the %v before the rest", i, d, gap)
		}
	}
}

// TestArrivedWithoutTheLoop: a request that did not come through the loop arrives now.
func TestArrivedWithoutTheLoop(t *testing.T) {
	before := time.Now()
	r, _ := http.NewRequest(http.MethodGet, "http://a/", nil)
	if got := wire.ArrivedAt(r.Context()); got.Before(before) || time.Since(got) > time.Minute {
		t.Errorf("ArrivedAt without the loop = %v, want about %v", got, before)
	}
}
