package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albatross-lb/albatross/examples/seed/internal/albevent"
)

//go:embed page.html
var pageHTML string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"price": func(cents int) string { return fmt.Sprintf("€%d.%02d", cents/100, cents%100) },
	"when":  func(t time.Time) string { return t.Format("Mon 2 Jan, 15:04") },
}).Parse(pageHTML))

// event is the part of the API's event JSON the page shows.
type event struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Venue          string            `json:"venue"`
	City           string            `json:"city"`
	Starts         time.Time         `json:"starts"`
	PriceCents     int               `json:"price_cents"`
	SeatsAvailable int               `json:"seats_available"`
	Links          map[string]string `json:"links"`
}

// pageData is what page.html renders.
type pageData struct {
	Events      []event
	Problem     string
	APIURL      string
	TargetGroup string
	Rendered    string
}

// render fetches the events and fills the template. When the API cannot be reached the page is
// still rendered, with the reason, as a 503: the layout and links keep working.
func (h *home) render(ctx context.Context, req events.ALBTargetGroupRequest) albevent.Response {
	apiURL := h.base(req) + "/api/events?limit=6"
	data := pageData{APIURL: apiURL, TargetGroup: req.RequestContext.ELB.TargetGroupArn,
		Rendered: h.now().UTC().Format(time.RFC1123)}
	status := http.StatusOK
	evs, err := h.fetch(ctx, apiURL)
	if err != nil {
		status, data.Problem = http.StatusServiceUnavailable, err.Error()
	}
	data.Events = evs
	var buf bytes.Buffer
	if err := page.Execute(&buf, data); err != nil {
		return albevent.Text(http.StatusInternalServerError, "text/plain; charset=utf-8", "template: "+err.Error()+"\n")
	}
	r := albevent.Response{Status: status, Body: buf.Bytes(), Header: http.Header{
		"Content-Type":  {"text/html; charset=utf-8"},
		"Cache-Control": {"no-cache"},
	}}
	return r
}

// base is where the API is: API_BASE_URL, or the load balancer that sent this event.
func (h *home) base(req events.ALBTargetGroupRequest) string {
	if h.apiBase != "" {
		return strings.TrimSuffix(h.apiBase, "/")
	}
	proto := albevent.Header(req, "x-forwarded-proto")
	if proto == "" {
		proto = "http"
	}
	return proto + "://" + albevent.Header(req, "host")
}

func (h *home) fetch(ctx context.Context, url string) ([]event, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("events API address: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("events API unreachable: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("events API: reading the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("events API answered %s: %.200s", resp.Status, body)
	}
	var list struct {
		Events []event `json:"events"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("events API answer is not an event list: %w", err)
	}
	return list.Events, nil
}
