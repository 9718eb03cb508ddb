package catalog

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"time"
)

// MaxSeatsPerReservation is the most seats one reservation may hold.
const MaxSeatsPerReservation = 6

// ReservationRequest is what a buyer asks for: seats of one event, and where to send the tickets.
type ReservationRequest struct {
	EventID string   `json:"event_id"`
	Seats   []string `json:"seats"`
	Email   string   `json:"email"`
}

// Reservation is a successful booking.
type Reservation struct {
	ID         string    `json:"id"`
	EventID    string    `json:"event_id"`
	Seats      []string  `json:"seats"`
	Email      string    `json:"email"`
	TotalCents int       `json:"total_cents"`
	Created    time.Time `json:"created"`
}

// FieldError is one problem with one field of a ReservationRequest.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every problem of a request at once, so a form or API client can show them
// all.
type ValidationError struct{ Fields []FieldError }

// Error returns the problems joined in one line.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid reservation: " + strings.Join(parts, "; ")
}

// ErrSeatTaken is returned when a requested seat is valid but no longer available.
var ErrSeatTaken = errors.New("seat no longer available")

// Validate returns a *ValidationError listing every problem of r, or nil.
func (c *Catalog) Validate(r ReservationRequest) error {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	ev, known := c.Event(r.EventID)
	switch {
	case r.EventID == "":
		add("event_id", "is required")
	case !known:
		add("event_id", "no event %q", r.EventID)
	}
	switch {
	case len(r.Seats) == 0:
		add("seats", "choose at least one seat")
	case len(r.Seats) > MaxSeatsPerReservation:
		add("seats", "at most %d seats per reservation, got %d", MaxSeatsPerReservation, len(r.Seats))
	}
	seen := map[string]bool{}
	for i, s := range r.Seats {
		field := fmt.Sprintf("seats[%d]", i)
		switch {
		case seen[s]:
			add(field, "seat %q is listed twice", s)
		case known && !ev.HasSeat(s):
			add(field, "no seat %q at %s (rows A-%c, seats 1-%d)", s, ev.Venue, 'A'+ev.Rows-1, ev.SeatsPerRow)
		}
		seen[s] = true
	}
	if a, err := mail.ParseAddress(r.Email); r.Email == "" {
		add("email", "is required")
	} else if err != nil || a.Address != r.Email {
		add("email", "%q is not an email address", r.Email)
	}
	if len(errs) > 0 {
		return &ValidationError{Fields: errs}
	}
	return nil
}

// Reserve validates r and books its seats all or nothing. It returns a *ValidationError for a bad
// request and an error wrapping ErrSeatTaken when a seat is already sold.
func (c *Catalog) Reserve(r ReservationRequest, now time.Time) (Reservation, error) {
	if err := c.Validate(r); err != nil {
		return Reservation{}, err
	}
	ev, _ := c.Event(r.EventID)
	for _, s := range r.Seats {
		if ev.soldBefore(s) {
			return Reservation{}, fmt.Errorf("%s %s: %w", ev.ID, s, ErrSeatTaken)
		}
	}
	if s, ok := c.book.claim(ev.ID, r.Seats); !ok {
		return Reservation{}, fmt.Errorf("%s %s: %w", ev.ID, s, ErrSeatTaken)
	}
	return Reservation{
		ID:         newID(),
		EventID:    ev.ID,
		Seats:      slices.Clone(r.Seats),
		Email:      r.Email,
		TotalCents: ev.PriceCents * len(r.Seats),
		Created:    now.UTC(),
	}, nil
}

// ledger remembers the seats booked since start, per event.
type ledger struct {
	mu   sync.Mutex
	held map[string]map[string]bool
}

func newLedger() *ledger { return &ledger{held: map[string]map[string]bool{}} }

func (l *ledger) taken(eventID, seat string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held[eventID][seat]
}

// claim books every seat or none; it returns the first seat already held otherwise.
func (l *ledger) claim(eventID string, seats []string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range seats {
		if l.held[eventID][s] {
			return s, false
		}
	}
	if l.held[eventID] == nil {
		l.held[eventID] = map[string]bool{}
	}
	for _, s := range seats {
		l.held[eventID][s] = true
	}
	return "", true
}

// newID returns a reservation number such as R-7KQ2M9XD.
func newID() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "R-" + string(b)
}
