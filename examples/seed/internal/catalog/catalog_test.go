package catalog

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var day = time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC)

func TestEventsAreUpcoming(t *testing.T) {
	t.Parallel()
	evs := New(day).Events()
	if len(evs) != 6 {
		t.Fatalf("%d events, want 6", len(evs))
	}
	for i, e := range evs {
		if !e.Starts.After(day) || (i > 0 && e.Starts.Before(evs[i-1].Starts)) {
			t.Errorf("%s starts %s: not upcoming or not in date order", e.ID, e.Starts)
		}
	}
}

func TestHasSeat(t *testing.T) {
	t.Parallel()
	e := Event{Rows: 3, SeatsPerRow: 10}
	testCases := []struct {
		desc, seat string
		want       bool
	}{
		{desc: "first", seat: "A1", want: true},
		{desc: "last", seat: "C10", want: true},
		{desc: "row past the end", seat: "D1"},
		{desc: "seat past the end", seat: "A11"},
		{desc: "seat zero", seat: "A0"},
		{desc: "leading zero", seat: "A01"},
		{desc: "signed number", seat: "A+1"},
		{desc: "lower case row", seat: "a1"},
		{desc: "row only", seat: "A"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := e.HasSeat(tc.seat); got != tc.want {
				t.Errorf("HasSeat(%q) = %v, want %v", tc.seat, got, tc.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	c := New(day)
	testCases := []struct {
		desc       string
		req        ReservationRequest
		wantFields []string
	}{
		{desc: "valid", req: ReservationRequest{EventID: "comedy-night", Seats: []string{"A1"}, Email: "a@example.com"}},
		{desc: "empty: every problem at once", req: ReservationRequest{}, wantFields: []string{"event_id", "seats", "email"}},
		{desc: "unknown event", req: ReservationRequest{EventID: "x", Seats: []string{"A1"}, Email: "a@example.com"}, wantFields: []string{"event_id"}},
		{desc: "bad and duplicate seats", req: ReservationRequest{EventID: "comedy-night", Seats: []string{"Z9", "A1", "A1"}, Email: "a@example.com"}, wantFields: []string{"seats[0]", "seats[2]"}},
		{desc: "too many seats", req: ReservationRequest{EventID: "comedy-night", Seats: []string{"A1", "A2", "A3", "A4", "A5", "A6", "A7"}, Email: "a@example.com"}, wantFields: []string{"seats"}},
		{desc: "display-name email is not a bare address", req: ReservationRequest{EventID: "comedy-night", Seats: []string{"A1"}, Email: "Ana <a@example.com>"}, wantFields: []string{"email"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			err := c.Validate(tc.req)
			var got []string
			var ve *ValidationError
			if errors.As(err, &ve) {
				for _, f := range ve.Fields {
					got = append(got, f.Field)
				}
			} else if err != nil {
				t.Fatalf("Validate error %v is not a *ValidationError", err)
			}
			if !slices.Equal(got, tc.wantFields) {
				t.Errorf("fields %v, want %v (%v)", got, tc.wantFields, err)
			}
		})
	}
}

func TestReserve(t *testing.T) {
	t.Parallel()
	c := New(day)
	e, _ := c.Event("jazz-on-the-pier")
	var free, sold []string
	for _, s := range c.SeatMap(e) {
		if s.Available {
			free = append(free, s.Label)
		} else {
			sold = append(sold, s.Label)
		}
	}
	if len(free) < 2 || len(sold) == 0 {
		t.Fatalf("want free and sold seats, got %d free %d sold", len(free), len(sold))
	}
	res, err := c.Reserve(ReservationRequest{EventID: e.ID, Seats: free[:2], Email: "a@example.com"}, day)
	if err != nil || res.TotalCents != 2*e.PriceCents || !strings.HasPrefix(res.ID, "R-") {
		t.Fatalf("Reserve = %+v, %v", res, err)
	}
	if c.Available(e, free[0]) {
		t.Error("a reserved seat is still available")
	}
	for _, seats := range [][]string{{free[1]}, {sold[0]}} {
		if _, err := c.Reserve(ReservationRequest{EventID: e.ID, Seats: seats, Email: "b@example.com"}, day); !errors.Is(err, ErrSeatTaken) {
			t.Errorf("Reserve(%v) = %v, want ErrSeatTaken", seats, err)
		}
	}
}

// TestReserveConcurrently books the same seat from many goroutines: exactly one wins.
func TestReserveConcurrently(t *testing.T) {
	t.Parallel()
	c := New(day)
	e, _ := c.Event("symphony-no-9")
	var seat string
	for _, s := range c.SeatMap(e) {
		if s.Available {
			seat = s.Label
			break
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 20 {
		wg.Go(func() {
			if _, err := c.Reserve(ReservationRequest{EventID: e.ID, Seats: []string{seat}, Email: "a@example.com"}, day); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d reservations of %s succeeded, want 1", wins, seat)
	}
}
