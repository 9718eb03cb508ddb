package auth

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/albatross-lb/albatross/internal/lambdatarget"
	"github.com/albatross-lb/albatross/internal/observe"
)

// eventRecorder is a Lambda target group that only builds the event it would invoke with.
type eventRecorder struct{ event map[string]any }

func (e *eventRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	observe.ExchangeFrom(r.Context()).ActionsExecuted = append(observe.ExchangeFrom(r.Context()).ActionsExecuted, "forward")
	raw, err := lambdatarget.New(lambdatarget.Options{TargetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/fn/0123456789abcdef"}).Event(r)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, &e.event)
}

// TestLambdaEventCarriesClaims: a Lambda target gets AUTH-03's three headers in its event.
func TestLambdaEventCarriesClaims(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	session := h.signIn("/fn")
	rec := &eventRecorder{}
	h.a.next = rec
	h.serve(request("/fn", session...))
	headers, _ := rec.event["headers"].(map[string]any)
	for _, name := range []string{"x-amzn-oidc-accesstoken", "x-amzn-oidc-identity", "x-amzn-oidc-data"} {
		if v, _ := headers[name].(string); v == "" {
			t.Errorf("event header %s missing; headers %v", name, headers)
		}
	}
	if headers["x-amzn-oidc-identity"] != "id1" {
		t.Errorf("identity %v", headers["x-amzn-oidc-identity"])
	}
}
