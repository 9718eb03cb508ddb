package router

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/observe"
)

// TestRehearse: the rehearsal reports the rule the pipeline would pick and the request as the
// action would see it, without running any action; a load balancer rejection is reported
// instead (RUL-02, XFF-03).
func TestRehearse(t *testing.T) {
	ran := false
	act := handlerFunc(func(http.ResponseWriter, *http.Request) error { ran = true; return nil })
	testCases := []struct {
		desc      string
		index     int
		xff       int
		wantIndex int
		wantRej   int
	}{
		{desc: "rule 0 matches", index: 0, wantIndex: 0},
		{desc: "default rule", index: -1, wantIndex: -1},
		{desc: "463 before routing", index: 0, xff: 31, wantIndex: -1, wantRej: 463},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			obs := make(observerChan, 1)
			rt := New(Settings{Protocol: "HTTP", Port: 8080}, alwaysMatch(tc.index, 1), []Route{{Priority: 7, Action: act}}, act, obs, nil)
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			if tc.xff > 0 {
				r.Header.Set("X-Forwarded-For", strings.Repeat("10.0.0.1,", tc.xff-1)+"10.0.0.1")
			}
			got := rt.Rehearse(r)
			if got.Index != tc.wantIndex || got.Rejected != tc.wantRej || ran || len(obs) != 0 {
				t.Fatalf("index %d rejected %d ran %v observed %d", got.Index, got.Rejected, ran, len(obs))
			}
			if tc.wantRej == 0 {
				if got.Request.Header.Get("X-Forwarded-Port") != "8080" || got.Exchange.MatchedRulePriority != map[int]int{0: 7, -1: 0}[tc.index] {
					t.Errorf("request headers %v, priority %d", got.Request.Header, got.Exchange.MatchedRulePriority)
				}
				if observe.ExchangeFrom(got.Request.Context()) != got.Exchange {
					t.Errorf("exchange not in the request context")
				}
			}
		})
	}
}
