package main

import (
	"errors"
	"net/http"
	"slices"

	"github.com/albatross-lb/albatross/examples/seed/internal/catalog"
)

// checkoutView is the checkout form: the event, its free seats, what the buyer chose so far, and
// any problems with the last attempt.
type checkoutView struct {
	Events   []catalog.Event // when no event is chosen yet
	Event    *catalog.Event
	Free     []string
	Chosen   []string
	Email    string
	Problems []catalog.FieldError
}

// Chose reports whether the buyer already ticked seat (used by the template).
func (v checkoutView) Chose(seat string) bool { return slices.Contains(v.Chosen, seat) }

func (s *site) form(eventID string, chosen []string, email string) (checkoutView, error) {
	v := checkoutView{Chosen: chosen, Email: email}
	if eventID == "" {
		v.Events = s.cat.Events()
		return v, errNoEvent
	}
	e, ok := s.cat.Event(eventID)
	if !ok {
		v.Events = s.cat.Events()
		v.Problems = []catalog.FieldError{{Field: "event", Message: "no event " + eventID}}
		return v, errNoEvent
	}
	v.Event = &e
	for _, seat := range s.cat.SeatMap(e) {
		if seat.Available {
			v.Free = append(v.Free, seat.Label)
		}
	}
	return v, nil
}

// checkoutForm shows the form for ?event=ID, with seats pre-ticked from ?seat=A1&seat=A2.
func (s *site) checkoutForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v, err := s.form(q.Get("event"), q["seat"], "")
	status := http.StatusOK
	if err != nil && len(v.Problems) > 0 {
		status = http.StatusNotFound
	}
	s.render(w, r, status, "checkout", v)
}

// checkout books the seats posted by the form: 200 with the confirmation, 400 with every problem,
// or 409 when a seat was sold in the meantime.
func (s *site) checkout(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read: "+err.Error(), http.StatusBadRequest)
		return
	}
	req := catalog.ReservationRequest{EventID: r.PostForm.Get("event"), Seats: r.PostForm["seat"], Email: r.PostForm.Get("email")}
	res, err := s.cat.Reserve(req, s.now())
	if err == nil {
		e, _ := s.cat.Event(res.EventID)
		s.render(w, r, http.StatusOK, "confirmation", map[string]any{"Reservation": res, "Event": e})
		return
	}
	v, _ := s.form(req.EventID, req.Seats, req.Email)
	var invalid *catalog.ValidationError
	status := http.StatusConflict
	switch {
	case errors.As(err, &invalid):
		status = http.StatusBadRequest
		v.Problems = invalid.Fields // they include the event's own problem
	default:
		v.Problems = append(v.Problems, catalog.FieldError{Field: "seat", Message: err.Error()})
	}
	s.render(w, r, status, "checkout", v)
}
