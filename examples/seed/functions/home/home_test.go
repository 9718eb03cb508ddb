package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

const apiAnswer = `{"count":1,"events":[{"id":"comedy-night","name":"Comedy <Night>","venue":"The Cellar","city":"Porto",
"starts":"2026-12-11T22:00:00Z","price_cents":1500,"seats_available":21,
"links":{"page":"/events/comedy-night","checkout":"/checkout?event=comedy-night","seats":"/api/events/comedy-night/seats"}}]}`

func request(host string) events.ALBTargetGroupRequest {
	return events.ALBTargetGroupRequest{
		HTTPMethod: "GET", Path: "/",
		Headers:        map[string]string{"host": host, "x-forwarded-proto": "http"},
		RequestContext: events.ALBTargetGroupRequestContext{ELB: events.ELBContext{TargetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/home/1"}},
	}
}

func TestHomePage(t *testing.T) {
	t.Parallel()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/events" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(apiAnswer))
	}))
	t.Cleanup(api.Close) // the parallel subtests run after this function returns
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	t.Cleanup(down.Close)
	now := func() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) }
	testCases := []struct {
		desc     string
		h        *home
		req      events.ALBTargetGroupRequest
		status   int
		contains []string
	}{
		{
			desc: "calls back the load balancer named by the event's host header",
			h:    &home{client: api.Client(), now: now}, req: request(strings.TrimPrefix(api.URL, "http://")),
			status: 200,
			contains: []string{"Comedy &lt;Night&gt;", `href="/events/comedy-night"`, `href="/checkout?event=comedy-night"`,
				"€15.00", "21 seats left", "Fri 11 Dec, 22:00", `href="/assets/style.css"`, "targetgroup/home/1"},
		},
		{
			desc: "API_BASE_URL overrides the host",
			h:    &home{client: api.Client(), apiBase: api.URL + "/", now: now}, req: request("elsewhere.invalid"),
			status: 200, contains: []string{"Comedy &lt;Night&gt;"},
		},
		{
			desc: "API failure still renders the layout, as a 503 with the reason",
			h:    &home{client: down.Client(), now: now}, req: request(strings.TrimPrefix(down.URL, "http://")),
			status: 503, contains: []string{"unavailable right now", "500 Internal Server Error", `href="/events"`},
		},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			resp, err := tc.h.handle(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || resp.Headers["Content-Type"] != "text/html; charset=utf-8" {
				t.Errorf("got %d %v", resp.StatusCode, resp.Headers)
			}
			for _, want := range tc.contains {
				if !strings.Contains(resp.Body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
}

func TestHomeRefusesWrites(t *testing.T) {
	t.Parallel()
	req := request("x")
	req.HTTPMethod = "POST"
	resp, _ := (&home{now: time.Now}).handle(context.Background(), req)
	if resp.StatusCode != 405 || resp.Headers["Allow"] != "GET, HEAD" {
		t.Errorf("got %d %v", resp.StatusCode, resp.Headers)
	}
}
