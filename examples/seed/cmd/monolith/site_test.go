package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/examples/seed/internal/catalog"
)

func newTestSite(t *testing.T) *httptest.Server {
	t.Helper()
	now := func() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) }
	srv := httptest.NewServer(newSite("site-9", now).routes(slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	return srv
}

// freeSeat returns a seat of the event that was not sold before the demo started.
func freeSeat(t *testing.T, eventID string) string {
	t.Helper()
	c := catalog.New(time.Now())
	e, _ := c.Event(eventID)
	for _, s := range c.SeatMap(e) {
		if s.Available {
			return s.Label
		}
	}
	t.Fatalf("%s has no free seat", eventID)
	return ""
}

func TestPages(t *testing.T) {
	t.Parallel()
	srv := newTestSite(t)
	free := freeSeat(t, "comedy-night")
	ticked := freeSeat(t, "jazz-on-the-pier") // another event: "checkout" books free in parallel
	testCases := []struct {
		desc, method, path, form string
		status                   int
		contains                 string
	}{
		{desc: "old home page", method: "GET", path: "/", status: 200, contains: "All events"},
		{desc: "events", method: "GET", path: "/events", status: 200, contains: `href="/events/albatross-live"`},
		{desc: "event with its seat map", method: "GET", path: "/events/comedy-night", status: 200, contains: `href="/checkout?event=comedy-night&amp;seat=`},
		{desc: "unknown event", method: "GET", path: "/events/nope", status: 404, contains: "Not found"},
		{desc: "checkout without an event lists them", method: "GET", path: "/checkout", status: 200, contains: "Choose an event"},
		{desc: "checkout form with a seat ticked", method: "GET", path: "/checkout?event=jazz-on-the-pier&seat=" + ticked, status: 200, contains: `value="` + ticked + `" checked`},
		{desc: "checkout for an unknown event", method: "GET", path: "/checkout?event=nope", status: 404, contains: "no event nope"},
		{desc: "checkout validation", method: "POST", path: "/checkout", form: "event=comedy-night&seat=Z1&email=x", status: 400, contains: "is not an email address"},
		{desc: "checkout", method: "POST", path: "/checkout", form: "event=comedy-night&seat=" + free + "&email=a%40example.com", status: 200, contains: "Reserved"},
		{desc: "health", method: "GET", path: "/health", status: 200, contains: "ok"},
		{desc: "anything else", method: "GET", path: "/nowhere", status: 404, contains: "Not found"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var body io.Reader
			if tc.form != "" {
				body = strings.NewReader(tc.form)
			}
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, body)
			if tc.form != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.contains) {
				t.Errorf("got %d, want %d containing %q\n%s", resp.StatusCode, tc.status, tc.contains, b)
			}
			if resp.Header.Get("X-Instance") != "site-9" {
				t.Errorf("X-Instance = %q, want site-9", resp.Header.Get("X-Instance"))
			}
		})
	}
}

// TestSeatSoldTwice books the same seat twice on one instance: the second attempt is a 409.
func TestSeatSoldTwice(t *testing.T) {
	t.Parallel()
	srv := newTestSite(t)
	form := url.Values{"event": {"indie-weekender"}, "seat": {freeSeat(t, "indie-weekender")}, "email": {"a@example.com"}}
	var codes []int
	for range 2 {
		resp, err := srv.Client().PostForm(srv.URL+"/checkout", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	if codes[0] != 200 || codes[1] != 409 {
		t.Errorf("statuses %v, want [200 409]", codes)
	}
}

// The legacy JSON API answers like the api function but for generated_at and ?limit=.
func TestLegacyAPIEvents(t *testing.T) {
	t.Parallel()
	srv := newTestSite(t)
	for _, q := range []string{"", "?limit=2", "?city=Lisbon&city=porto"} {
		resp, err := http.Get(srv.URL + "/api/events" + q)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" ||
			!strings.Contains(string(body), `"generated_at":"2026-11-24T00:00:00Z"`) || !strings.Contains(string(body), `"seats_available":`) {
			t.Fatalf("%s: %d %s", q, resp.StatusCode, body)
		}
		if q == "?limit=2" && !strings.Contains(string(body), `"count":6`) {
			t.Errorf("the legacy API honours limit: %s", body)
		}
	}
}
