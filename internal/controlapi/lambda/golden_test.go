package lambda

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/state"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGoldenResponses checks the exact JSON of the management calls and of an API error (C.4,
// C.5).
func TestGoldenResponses(t *testing.T) {
	h := newTestHandler(t, &fakeFunction{})
	when := time.Date(2026, 4, 10, 19, 6, 32, 563e6, time.UTC)
	timeout, reserved := 9, 4
	err := h.opts.Store.Update(context.Background(), func(snap *state.Snapshot, api *state.Resources) error {
		api.Functions = append(api.Functions, state.Function{ARN: snap.Config.FunctionARN("g"), Source: state.SourceAPI,
			LastModified: when, CodeSHA256: "c2hhMjU2", CodeSize: 1234, RevisionID: "rev-1", Tags: map[string]string{"team": "edge"},
			Spec: config.Function{FunctionName: "g", Runtime: "python3.12", Handler: "app.handler", Code: "/srv/g", Timeout: &timeout,
				ReservedConcurrentExecutions: &reserved, Environment: &config.Environment{Variables: map[string]string{"STAGE": "dev"}}}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct{ name, method, target, body string }{
		{"get-function-configuration", http.MethodGet, "/2015-03-31/functions/g/configuration", ""},
		{"get-function", http.MethodGet, "/2015-03-31/functions/g", ""},
		{"list-functions-second-page", http.MethodGet, "/2015-03-31/functions/?Marker=1&MaxItems=1", ""},
		{"add-permission", http.MethodPost, "/2015-03-31/functions/g/policy",
			`{"StatementId":"elb","Action":"lambda:InvokeFunction","Principal":"elasticloadbalancing.amazonaws.com","SourceArn":"arn:x"}`},
		{"put-function-concurrency", http.MethodPut, "/2017-10-31/functions/g/concurrency", `{"ReservedConcurrentExecutions":2}`},
		{"error-not-found", http.MethodGet, "/2015-03-31/functions/nope", ""},
	}
	for _, s := range steps {
		w := serve(h, s.method, s.target, s.body)
		got := fmt.Sprintf("HTTP %d\nX-Amzn-ErrorType: %s\n%s\n", w.Code, w.Header().Get("X-Amzn-ErrorType"), w.Body)
		name := filepath.Join("testdata", s.name+".json")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s\ngot:\n%s\nwant:\n%s", s.name, name, got, want)
		}
	}
}
