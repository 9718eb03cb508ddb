package targetgroup

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
)

// serveMarked serves one request through h and returns its exchange's metric marks.
func serveMarked(t *testing.T, h *HTTPGroup, cookies ...*http.Cookie) (unhealthyRouting, nonSticky bool) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	ex := &observe.Exchange{}
	r = r.WithContext(observe.WithExchange(r.Context(), ex))
	if err := h.ServeHTTP(httptest.NewRecorder(), r); err != nil {
		t.Fatal(err)
	}
	return ex.UnhealthyRouting, ex.NonSticky
}

// TestUnhealthyRoutingMark: a request is counted in UnhealthyRoutingRequestCount exactly when
// its group fails open (HC-05): all targets unhealthy, or fewer healthy than
// minimum_healthy_targets.count.
func TestUnhealthyRoutingMark(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc      string
		unhealthy int
		minCount  int
		want      bool
	}{
		{desc: "all healthy", want: false},
		{desc: "one of three unhealthy", unhealthy: 1, want: false},
		{desc: "all unhealthy: fail open", unhealthy: 3, want: true},
		{desc: "below minimum_healthy_targets.count 3", unhealthy: 1, minCount: 3, want: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			ts := targets(3)
			for _, tg := range ts[:tc.unhealthy] {
				tg.SetHealthy(false)
			}
			h := NewHTTPGroup(NewGroup("tg", "arn:tg", ts, Options{MinHealthyCount: tc.minCount}), &recordingForwarder{})
			if got, nonSticky := serveMarked(t, h); got != tc.want || nonSticky {
				t.Errorf("UnhealthyRouting=%v NonSticky=%v, want %v false", got, nonSticky, tc.want)
			}
		})
	}
}

// TestNonStickyMark: in a group with stickiness, NonStickyRequestCount counts a first request
// (no cookie) and one whose cookie cannot be used, not one that sticks; a group without
// stickiness counts nothing.
func TestNonStickyMark(t *testing.T) {
	t.Parallel()
	ts := targets(3)
	h := NewHTTPGroup(NewGroup("tg", "arn:tg", ts, Options{Stickiness: NewLBCookieStickiness(testKey, time.Hour)}), &recordingForwarder{})
	if _, nonSticky := serveMarked(t, h); !nonSticky {
		t.Error("first request without a cookie not counted")
	}
	valid := h.opts.Stickiness.sealer.Seal(targetDigest("arn:tg", ts[1].Addr), time.Now().Add(time.Hour))
	if _, nonSticky := serveMarked(t, h, &http.Cookie{Name: "AWSALB", Value: valid}); nonSticky {
		t.Error("a request that stuck was counted")
	}
	if _, nonSticky := serveMarked(t, h, &http.Cookie{Name: "AWSALB", Value: "garbage"}); !nonSticky {
		t.Error("an undecodable cookie was not counted")
	}
	plain := NewHTTPGroup(NewGroup("tg", "arn:tg", targets(2), Options{}), &recordingForwarder{})
	if _, nonSticky := serveMarked(t, plain); nonSticky {
		t.Error("a group without stickiness counted a request")
	}
}
