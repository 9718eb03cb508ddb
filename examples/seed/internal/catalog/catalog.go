// Package catalog is the ticket site's data: upcoming events, their seats, and reservations. The
// monolith and the API function both use it, the way a team that moves an endpoint out of a
// monolith keeps the same domain code. State lives in memory: each monolith instance and each
// warm function environment has its own, which the demo's README points out.
package catalog

import (
	"hash/fnv"
	"slices"
	"strconv"
	"time"
)

// Event is one show tickets are sold for.
type Event struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Venue       string    `json:"venue"`
	City        string    `json:"city"`
	Starts      time.Time `json:"starts"`
	PriceCents  int       `json:"price_cents"`
	Rows        int       `json:"-"`
	SeatsPerRow int       `json:"-"`
}

// Capacity returns the number of seats of the event's venue.
func (e Event) Capacity() int { return e.Rows * e.SeatsPerRow }

// Seats returns every seat label of the event in row order: A1, A2, ..., then B1 ...
func (e Event) Seats() []string {
	seats := make([]string, 0, e.Capacity())
	for r := range e.Rows {
		for n := 1; n <= e.SeatsPerRow; n++ {
			seats = append(seats, string(rune('A'+r))+strconv.Itoa(n))
		}
	}
	return seats
}

// HasSeat reports whether label names a seat of the event.
func (e Event) HasSeat(label string) bool {
	if len(label) < 2 || label[0] < 'A' || int(label[0]-'A') >= e.Rows {
		return false
	}
	n, err := strconv.Atoi(label[1:])
	return err == nil && n >= 1 && n <= e.SeatsPerRow && label[1] != '0' && label[1] != '+'
}

// soldBefore reports whether a seat was sold before the demo started. It is derived from a hash so
// that every instance and function environment agrees without sharing state.
func (e Event) soldBefore(label string) bool {
	h := fnv.New32a()
	h.Write([]byte(e.ID + "/" + label))
	return h.Sum32()%10 < 3
}

// lineup is the programme: offsets in days from the catalog's start date.
var lineup = []struct {
	id, name, venue, city string
	days, hour, price     int
	rows, perRow          int
}{
	{"albatross-live", "Albatross Live", "Harbour Hall", "Lisbon", 3, 20, 4500, 6, 10},
	{"quartet-at-dusk", "Quartet at Dusk", "Old Observatory", "Porto", 6, 19, 3200, 4, 8},
	{"jazz-on-the-pier", "Jazz on the Pier", "Pier 7", "Lisbon", 9, 21, 2800, 5, 12},
	{"symphony-no-9", "Symphony No. 9", "Grand Auditorium", "Coimbra", 14, 19, 6000, 8, 12},
	{"comedy-night", "Comedy Night", "The Cellar", "Porto", 17, 22, 1500, 3, 10},
	{"indie-weekender", "Indie Weekender", "Riverside Park", "Faro", 24, 16, 7500, 6, 12},
}

// Catalog holds the events and the reservations made since start. It is safe for concurrent use.
type Catalog struct {
	events []Event
	book   *ledger
}

// New returns the catalog with its programme scheduled relative to now, so that the events are
// always upcoming whenever the demo runs.
func New(now time.Time) *Catalog {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	c := &Catalog{book: newLedger()}
	for _, l := range lineup {
		c.events = append(c.events, Event{
			ID: l.id, Name: l.name, Venue: l.venue, City: l.city,
			Starts:     day.AddDate(0, 0, l.days).Add(time.Duration(l.hour) * time.Hour),
			PriceCents: l.price, Rows: l.rows, SeatsPerRow: l.perRow,
		})
	}
	return c
}

// Events returns the events in date order.
func (c *Catalog) Events() []Event { return slices.Clone(c.events) }

// Event returns the event with the given ID.
func (c *Catalog) Event(id string) (Event, bool) {
	for _, e := range c.events {
		if e.ID == id {
			return e, true
		}
	}
	return Event{}, false
}

// Available reports whether a seat of the event can still be booked.
func (c *Catalog) Available(e Event, label string) bool {
	return e.HasSeat(label) && !e.soldBefore(label) && !c.book.taken(e.ID, label)
}

// SeatMap returns every seat of the event with its availability, in row order.
func (c *Catalog) SeatMap(e Event) []Seat {
	labels := e.Seats()
	seats := make([]Seat, len(labels))
	for i, l := range labels {
		seats[i] = Seat{Label: l, Row: l[:1], Available: c.Available(e, l)}
	}
	return seats
}

// Seat is one seat with its availability.
type Seat struct {
	Label     string `json:"seat"`
	Row       string `json:"row"`
	Available bool   `json:"available"`
}
