package main

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albatross-lb/albatross/examples/seed/internal/albevent"
	"github.com/albatross-lb/albatross/examples/seed/internal/catalog"
)

// apiError is the body of every error answer: {"error":{"code","message","fields"}}.
type apiError struct {
	Code    string               `json:"code"`
	Message string               `json:"message"`
	Fields  []catalog.FieldError `json:"fields,omitempty"`
}

func errorResponse(status int, code, message string, fields ...catalog.FieldError) albevent.Response {
	return albevent.JSON(status, map[string]apiError{"error": {Code: code, Message: message, Fields: fields}})
}

// route picks the endpoint from the method and the path of the event. The ALB passes the path as
// received, without the query string.
func (a *api) route(req events.ALBTargetGroupRequest) albevent.Response {
	path := strings.TrimSuffix(req.Path, "/")
	parts := strings.Split(strings.TrimPrefix(path, "/api"), "/")[1:]
	switch {
	case path == "/api/echo":
		return echo(req)
	case path == "/api":
		return only(req, index, http.MethodGet)
	case len(parts) == 1 && parts[0] == "events":
		return only(req, a.listEvents, http.MethodGet)
	case len(parts) == 2 && parts[0] == "events":
		return only(req, func(r events.ALBTargetGroupRequest) albevent.Response { return a.getEvent(r, parts[1]) }, http.MethodGet)
	case len(parts) == 3 && parts[0] == "events" && parts[2] == "seats":
		return only(req, func(r events.ALBTargetGroupRequest) albevent.Response { return a.getSeats(r, parts[1]) }, http.MethodGet)
	case len(parts) == 1 && parts[0] == "reservations":
		return only(req, a.reserve, http.MethodPost)
	}
	return errorResponse(http.StatusNotFound, "NotFound", "no endpoint "+req.Path+"; GET /api lists them")
}

// only runs h when the request method is allowed (GET also allows HEAD) and answers 405 with an
// Allow header otherwise.
func only(req events.ALBTargetGroupRequest, h func(events.ALBTargetGroupRequest) albevent.Response, method string) albevent.Response {
	allowed := []string{method}
	if method == http.MethodGet {
		allowed = append(allowed, http.MethodHead)
	}
	if !slices.Contains(allowed, req.HTTPMethod) {
		r := errorResponse(http.StatusMethodNotAllowed, "MethodNotAllowed",
			req.HTTPMethod+" is not allowed on "+req.Path+"; use "+strings.Join(allowed, " or "))
		r.Header.Set("Allow", strings.Join(allowed, ", "))
		return r
	}
	return h(req)
}

func index(events.ALBTargetGroupRequest) albevent.Response {
	return albevent.JSON(http.StatusOK, map[string][]string{"endpoints": {
		"GET /api/events?city=Lisbon&limit=3",
		"GET /api/events/{id}",
		"GET /api/events/{id}/seats?available=true",
		"POST /api/reservations {\"event_id\":\"...\",\"seats\":[\"A1\"],\"email\":\"...\"}",
		"ANY /api/echo",
	}})
}

// eventView is an event as the API shows it, with its availability and links.
type eventView struct {
	catalog.Event
	SeatsAvailable int               `json:"seats_available"`
	Links          map[string]string `json:"links"`
}

func (a *api) view(e catalog.Event) eventView {
	free := 0
	for _, s := range a.cat.SeatMap(e) {
		if s.Available {
			free++
		}
	}
	return eventView{Event: e, SeatsAvailable: free, Links: map[string]string{
		"self":     "/api/events/" + e.ID,
		"seats":    "/api/events/" + e.ID + "/seats",
		"page":     "/events/" + e.ID,
		"checkout": "/checkout?event=" + e.ID,
	}}
}

func (a *api) listEvents(req events.ALBTargetGroupRequest) albevent.Response {
	q := albevent.Query(req)
	limit := len(a.cat.Events())
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return errorResponse(http.StatusBadRequest, "InvalidParameter", "limit must be a positive integer, got "+strconv.Quote(s))
		}
		limit = n
	}
	cities := q["city"]
	list := []eventView{}
	for _, e := range a.cat.Events() {
		if len(list) == limit {
			break
		}
		if len(cities) == 0 || slices.ContainsFunc(cities, func(c string) bool { return strings.EqualFold(c, e.City) }) {
			list = append(list, a.view(e))
		}
	}
	return albevent.JSON(http.StatusOK, map[string]any{"events": list, "count": len(list)})
}

func (a *api) getEvent(_ events.ALBTargetGroupRequest, id string) albevent.Response {
	e, ok := a.cat.Event(id)
	if !ok {
		return errorResponse(http.StatusNotFound, "EventNotFound", "no event "+strconv.Quote(id))
	}
	return albevent.JSON(http.StatusOK, a.view(e))
}

func (a *api) getSeats(req events.ALBTargetGroupRequest, id string) albevent.Response {
	e, ok := a.cat.Event(id)
	if !ok {
		return errorResponse(http.StatusNotFound, "EventNotFound", "no event "+strconv.Quote(id))
	}
	onlyFree := albevent.Query(req).Get("available") == "true"
	seats := []catalog.Seat{}
	free := 0
	for _, s := range a.cat.SeatMap(e) {
		if s.Available {
			free++
		}
		if s.Available || !onlyFree {
			seats = append(seats, s)
		}
	}
	return albevent.JSON(http.StatusOK, map[string]any{
		"event_id": e.ID, "capacity": e.Capacity(), "available": free, "seats": seats,
	})
}
