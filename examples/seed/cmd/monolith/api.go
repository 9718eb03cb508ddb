package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/examples/seed/internal/catalog"
)

// apiEvent is an event as the monolith's legacy JSON API shows it: the shape the api function
// took over, so that Albatross can compare the two (the strangler walk-through in the README).
type apiEvent struct {
	catalog.Event
	SeatsAvailable int               `json:"seats_available"`
	Links          map[string]string `json:"links"`
}

// apiEvents serves GET /api/events, the endpoint the api function replaces. It differs from the
// function in two ways the walk-through shows: it stamps generated_at on every answer (ignored by
// the comparison), and it ignores ?limit= (a real difference `albatross diff` points out).
func (s *site) apiEvents(w http.ResponseWriter, r *http.Request) {
	cities := r.URL.Query()["city"]
	list := []apiEvent{}
	for _, e := range s.cat.Events() {
		if len(cities) > 0 && !containsFold(cities, e.City) {
			continue
		}
		free := 0
		for _, seat := range s.cat.SeatMap(e) {
			if seat.Available {
				free++
			}
		}
		list = append(list, apiEvent{Event: e, SeatsAvailable: free, Links: map[string]string{
			"self":     "/api/events/" + e.ID,
			"seats":    "/api/events/" + e.ID + "/seats",
			"page":     "/events/" + e.ID,
			"checkout": "/checkout?event=" + e.ID,
		}})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"events": list, "count": len(list),
		"generated_at": s.now().UTC().Format(time.RFC3339Nano)})
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
