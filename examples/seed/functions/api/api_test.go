package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

var fixedNow = func() time.Time { return time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC) }

// event builds an ALB event in the header mode of the api target group (multi-value on, LAM-10).
func event(method, path, query, contentType, body string) events.ALBTargetGroupRequest {
	req := events.ALBTargetGroupRequest{
		HTTPMethod: method, Path: path, Body: body,
		MultiValueHeaders:               map[string][]string{"host": {"127.0.0.1:8080"}},
		MultiValueQueryStringParameters: map[string][]string{},
	}
	if contentType != "" {
		req.MultiValueHeaders["content-type"] = []string{contentType}
	}
	for _, kv := range strings.Split(query, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			req.MultiValueQueryStringParameters[k] = append(req.MultiValueQueryStringParameters[k], v)
		}
	}
	return req
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	form := base64.StdEncoding.EncodeToString([]byte(`{"event_id":"comedy-night","seats":["A2"],"email":"a@example.com"}`))
	testCases := []struct {
		desc     string
		req      events.ALBTargetGroupRequest
		status   int
		contains string
	}{
		{desc: "index", req: event("GET", "/api", "", "", ""), status: 200, contains: "/api/events"},
		{desc: "list", req: event("GET", "/api/events", "", "", ""), status: 200, contains: `"count":6`},
		{desc: "list, trailing slash", req: event("GET", "/api/events/", "", "", ""), status: 200, contains: `"count":6`},
		{desc: "repeated city keys (multi-value mode)", req: event("GET", "/api/events", "city=Faro&city=coimbra", "", ""), status: 200, contains: `"count":2`},
		{desc: "query decoded by the function (LAM-11)", req: event("GET", "/api/events", "city=%4Cisbon", "", ""), status: 200, contains: `"count":2`},
		{desc: "bad limit", req: event("GET", "/api/events", "limit=zero", "", ""), status: 400, contains: "InvalidParameter"},
		{desc: "one event", req: event("GET", "/api/events/comedy-night", "", "", ""), status: 200, contains: `"id":"comedy-night"`},
		{desc: "unknown event", req: event("GET", "/api/events/nope", "", "", ""), status: 404, contains: "EventNotFound"},
		{desc: "seats", req: event("GET", "/api/events/comedy-night/seats", "", "", ""), status: 200, contains: `"capacity":30`},
		{desc: "HEAD is allowed where GET is", req: event("HEAD", "/api/events", "", "", ""), status: 200},
		{desc: "wrong method", req: event("DELETE", "/api/events", "", "", ""), status: 405, contains: "MethodNotAllowed"},
		{desc: "unknown path", req: event("GET", "/api/nothing", "", "", ""), status: 404, contains: "NotFound"},
		{desc: "reservation needs JSON", req: event("POST", "/api/reservations", "", "text/plain", "x"), status: 415, contains: "UnsupportedMediaType"},
		{desc: "broken JSON", req: event("POST", "/api/reservations", "", "application/json", "{"), status: 400, contains: "InvalidJSON"},
		{desc: "unknown field", req: event("POST", "/api/reservations", "", "application/json", `{"seat":"A1"}`), status: 400, contains: "InvalidJSON"},
		{desc: "validation errors per field", req: event("POST", "/api/reservations", "", "application/json", `{"event_id":"comedy-night"}`), status: 400, contains: `"field":"seats"`},
		{desc: "base64 body, as with content-encoding (LAM-12)", req: func() events.ALBTargetGroupRequest {
			r := event("POST", "/api/reservations", "", "application/json; charset=utf-8", form)
			r.IsBase64Encoded = true
			return r
		}(), status: 201, contains: `"seats":["A2"]`},
		{desc: "echo shows the event", req: event("GET", "/api/echo", "q=a%20b", "", ""), status: 200, contains: `"q":["a b"]`},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			resp, err := newAPI(fixedNow).handle(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || !strings.Contains(resp.Body, tc.contains) {
				t.Errorf("got %d %s, want %d containing %s", resp.StatusCode, resp.Body, tc.status, tc.contains)
			}
			if resp.MultiValueHeaders == nil || resp.Headers == nil {
				t.Error("a nil header map is serialised as null, which the ALB rejects (LAM-22)")
			}
		})
	}
}

// TestGolden pins the exact JSON the load balancer receives for two typical answers.
func TestGolden(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, file string
		req        events.ALBTargetGroupRequest
	}{
		{desc: "one event", file: "event.golden.json", req: event("GET", "/api/events/albatross-live", "", "", "")},
		{desc: "validation error", file: "validation-error.golden.json",
			req: event("POST", "/api/reservations", "", "application/json", `{"event_id":"albatross-live","seats":["Z9"],"email":"nope"}`)},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			resp, _ := newAPI(fixedNow).handle(context.Background(), tc.req)
			got, err := json.MarshalIndent(resp, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(want) != string(got)+"\n" {
				t.Errorf("%s differs (go test -update to accept):\n%s", path, got)
			}
		})
	}
}
