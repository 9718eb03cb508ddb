package e2e

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestDemo starts the demo as `make demo` does, checks every route of the story, then stops it with
// SIGINT and checks that no process or port is left behind. Covers, through Albatross, LAM-10
// (multi-value query), LAM-12/LAM-20 (base64 bodies both ways), LAM-22 (headers never null) and
// LAM-27 (large objects kept under the response limit).
func TestDemo(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the demo needs %s on PATH: %v", tool, err)
		}
	}
	d := startDemo(t)
	t.Run("home page rendered by a function from the API's data", func(t *testing.T) { checkHome(t, d.base) })
	t.Run("API answers JSON by method, path and query", func(t *testing.T) { checkAPI(t, d.base) })
	t.Run("API validation error is a 400 JSON error", func(t *testing.T) { checkValidation(t, d.base) })
	t.Run("assets stream from S3 with headers and 304", func(t *testing.T) { checkAssets(t, d.base) })
	t.Run("checkout has its own target group", func(t *testing.T) { checkCheckout(t, d.base) })
	t.Run("the printed control API lines answer", func(t *testing.T) { checkControlAPI(t, d) })
	t.Run("the README's strangler walk-through: shadow, diff, gated shift", func(t *testing.T) { checkStrangler(t, d) })

	procs := descendants(d.cmd.Process.Pid)
	if runtime.GOOS == "linux" && len(procs) < 8 { // s3, 3 monoliths, albatross, 3 functions, log
		t.Errorf("found %d processes under run.sh, want at least 8: %v", len(procs), procs)
	}
	err := d.stop(t)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Errorf("run.sh after SIGINT: %v, want exit status 130 (interrupted)", err)
	}
	if !strings.Contains(d.output(), "== stopped") {
		t.Errorf("run.sh did not report its stop:\n%s", d.output())
	}
	if alive := waitGone(procs); len(alive) > 0 {
		t.Errorf("processes left behind after the stop: %v", alive)
	}
	for _, p := range d.ports {
		if !portFree(p) {
			t.Errorf("port %d is still in use after the stop", p)
		}
	}
}

func checkHome(t *testing.T, base string) {
	resp, body := do(t, "GET", base+"/", nil, "")
	page := string(body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), page)
	}
	for _, want := range []string{`href="/assets/style.css"`, `src="/assets/200.jpg"`, "Albatross Live",
		`href="/events/albatross-live"`, `href="/checkout?event=albatross-live"`, "function <code>home</code>"} {
		if !strings.Contains(page, want) {
			t.Errorf("home page lacks %s", want)
		}
	}
	if resp.Header.Get("X-Instance") != "" {
		t.Errorf("home page came from the monolith (%s), want the function", resp.Header.Get("X-Instance"))
	}
}

type eventList struct {
	Count  int `json:"count"`
	Events []struct {
		ID   string `json:"id"`
		City string `json:"city"`
	} `json:"events"`
}

func checkAPI(t *testing.T, base string) {
	var all, some eventList
	getJSON(t, base+"/api/events", 200, &all)
	if all.Count != 6 || len(all.Events) != 6 {
		t.Errorf("GET /api/events: %d events, want 6", all.Count)
	}
	// The api target group has multi-value headers on, so both cities reach the function (LAM-10).
	getJSON(t, base+"/api/events?city=Lisbon&city=porto&limit=3", 200, &some)
	var cities []string
	for _, e := range some.Events {
		cities = append(cities, e.City)
	}
	if some.Count != 3 || !slices.Contains(cities, "Lisbon") || !slices.Contains(cities, "Porto") {
		t.Errorf("city=Lisbon&city=porto&limit=3: %v", cities)
	}
	var one struct {
		ID             string `json:"id"`
		SeatsAvailable int    `json:"seats_available"`
	}
	getJSON(t, base+"/api/events/albatross-live", 200, &one)
	if one.ID != "albatross-live" || one.SeatsAvailable == 0 {
		t.Errorf("GET /api/events/albatross-live: %+v", one)
	}
	var seats struct {
		Available int `json:"available"`
		Seats     []struct {
			Available bool `json:"available"`
		} `json:"seats"`
	}
	getJSON(t, base+"/api/events/albatross-live/seats?available=true", 200, &seats)
	if seats.Available == 0 || len(seats.Seats) != seats.Available {
		t.Errorf("seats?available=true: %d listed, %d available", len(seats.Seats), seats.Available)
	}
	var notFound apiError
	getJSON(t, base+"/api/events/nope", 404, &notFound)
	if notFound.Error.Code != "EventNotFound" {
		t.Errorf("unknown event: %+v", notFound)
	}
}

type apiError struct {
	Error struct {
		Code   string `json:"code"`
		Fields []struct {
			Field string `json:"field"`
		} `json:"fields"`
	} `json:"error"`
}

func checkValidation(t *testing.T, base string) {
	h := http.Header{"Content-Type": {"application/json"}}
	resp, body := do(t, "POST", base+"/api/reservations", h, `{"event_id":"albatross-live","seats":["Z9"],"email":"nope"}`)
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil || resp.StatusCode != 400 || e.Error.Code != "ValidationError" {
		t.Fatalf("invalid reservation: %d %s", resp.StatusCode, body)
	}
	if len(e.Error.Fields) != 2 || e.Error.Fields[0].Field != "seats[0]" || e.Error.Fields[1].Field != "email" {
		t.Errorf("want one error per bad field: %s", body)
	}
	free := firstFreeSeat(t, base, "quartet-at-dusk")
	resp, body = do(t, "POST", base+"/api/reservations", h, `{"event_id":"quartet-at-dusk","seats":["`+free+`"],"email":"ana@example.com"}`)
	if resp.StatusCode != 201 || !strings.Contains(string(body), `"id":"R-`) {
		t.Errorf("valid reservation: %d %s", resp.StatusCode, body)
	}
}

func firstFreeSeat(t *testing.T, base, event string) string {
	var seats struct {
		Seats []struct {
			Seat string `json:"seat"`
		} `json:"seats"`
	}
	getJSON(t, base+"/api/events/"+event+"/seats?available=true", 200, &seats)
	if len(seats.Seats) == 0 {
		t.Fatalf("%s has no free seat", event)
	}
	return seats.Seats[0].Seat
}

func checkAssets(t *testing.T, base string) {
	want, err := os.ReadFile(filepath.Join("..", "bucket", "assets", "200.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	resp, body := do(t, "GET", base+"/assets/200.jpg", nil, "")
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || string(body) != string(want) || resp.Header.Get("Content-Type") != "image/jpeg" ||
		etag == "" || resp.Header.Get("Cache-Control") != "public, max-age=300" || resp.Header.Get("Last-Modified") == "" {
		t.Fatalf("GET /assets/200.jpg: %d, %d bytes (want %d), headers %v", resp.StatusCode, len(body), len(want), resp.Header)
	}
	resp, body = do(t, "GET", base+"/assets/200.jpg", http.Header{"If-None-Match": {etag}}, "")
	if resp.StatusCode != 304 || len(body) != 0 || resp.Header.Get("ETag") != etag {
		t.Errorf("If-None-Match %s: %d, %d bytes, ETag %q", etag, resp.StatusCode, len(body), resp.Header.Get("ETag"))
	}
	css, err := os.ReadFile(filepath.Join("..", "bucket", "assets", "style.css"))
	if err != nil {
		t.Fatal(err)
	}
	resp, body = do(t, "GET", base+"/assets/style.css", nil, "")
	if resp.StatusCode != 200 || string(body) != string(css) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("GET /assets/style.css: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, _ = do(t, "GET", base+"/assets/large.jpg", nil, "")
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 307 || loc == nil || loc.Query().Get("X-Amz-Signature") == "" {
		t.Errorf("GET /assets/large.jpg: %d Location %q, want 307 to a presigned URL", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := do(t, "GET", base+"/assets/missing.css", nil, ""); resp.StatusCode != 404 {
		t.Errorf("GET /assets/missing.css: %d, want 404", resp.StatusCode)
	}
}

func checkCheckout(t *testing.T, base string) {
	seen := map[string]int{}
	for range 4 {
		resp, _ := do(t, "GET", base+"/events", nil, "")
		seen[resp.Header.Get("X-Instance")]++
	}
	if seen["site-1"] == 0 || seen["site-2"] == 0 || len(seen) != 2 {
		t.Errorf("GET /events x4 reached %v, want both site instances and only them", seen)
	}
	for range 3 {
		resp, _ := do(t, "GET", base+"/checkout?event=comedy-night", nil, "")
		if resp.StatusCode != 200 || resp.Header.Get("X-Instance") != "checkout-1" {
			t.Errorf("GET /checkout: %d from %q, want 200 from checkout-1", resp.StatusCode, resp.Header.Get("X-Instance"))
		}
	}
	free := firstFreeSeat(t, base, "comedy-night")
	form := url.Values{"event": {"comedy-night"}, "seat": {free}, "email": {"bo@example.com"}}.Encode()
	resp, body := do(t, "POST", base+"/checkout", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, form)
	if resp.StatusCode != 200 || resp.Header.Get("X-Instance") != "checkout-1" || !strings.Contains(string(body), "Reserved") {
		t.Errorf("POST /checkout: %d from %q\n%s", resp.StatusCode, resp.Header.Get("X-Instance"), body)
	}
}

func getJSON(t *testing.T, url string, status int, v any) {
	t.Helper()
	resp, body := do(t, "GET", url, nil, "")
	if resp.StatusCode != status || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET %s: %d %s, want %d JSON\n%s", url, resp.StatusCode, resp.Header.Get("Content-Type"), status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
}
