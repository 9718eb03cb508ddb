package router

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// TestReceivedIsWhenTheHeadArrived: the exchange's Received (request_creation_time, the start of
// request_processing_time) is when the connection loop saw the head begin, not when the router
// got the request; without the loop it is when the router got it.
func TestReceivedIsWhenTheHeadArrived(t *testing.T) {
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80}, alwaysMatch(-1, 0), nil, answer(http.StatusOK, "ok"))
	arrived := time.Now().Add(-3 * time.Millisecond)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r = r.WithContext(wire.WithReceived(r.Context(), &wire.Received{Arrived: arrived}))
	rt.ServeHTTP(httptest.NewRecorder(), r)
	if got := (<-obs).Received; !got.Equal(arrived) {
		t.Errorf("Received = %v, want the loop's arrival %v", got, arrived)
	}

	before := time.Now()
	rt.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if got := (<-obs).Received; got.Before(before) {
		t.Errorf("without the loop, Received = %v, before the request was served (%v)", got, before)
	}
}
