package shift

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// Handler serves a request the way action.Handler does.
type Handler interface {
	ServeHTTP(w http.ResponseWriter, r *http.Request) error
}

// Split returns the shifted rule's forward: each request goes to newer with the controller's
// current share, else to older, and its answer is metered for the gates. It is the weighted
// forward of the two groups with weights 100-share and share.
func (c *Controller) Split(older, newer Handler) Handler {
	return &split{c: c, older: older, newer: newer}
}

type split struct {
	c            *Controller
	older, newer Handler
}

func (s *split) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	target, meter := s.older, &s.c.Old
	if p := s.c.Percent(); p >= 100 || p > 0 && rand.IntN(100) < p {
		target, meter = s.newer, &s.c.New
	}
	start := time.Now()
	aborted := true
	defer func() {
		if aborted { // the response was cut after it started: a failure of the target's
			meter.Record(http.StatusBadGateway, time.Since(start))
		}
	}()
	err := target.ServeHTTP(w, r)
	aborted = false
	meter.Record(statusOf(r, err), time.Since(start))
	return err
}

// statusOf is the status a request ended with: the error page's, else the target's.
func statusOf(r *http.Request, err error) int {
	var e *elberr.Error
	if errors.As(err, &e) {
		return e.Status
	}
	if err != nil {
		return http.StatusInternalServerError
	}
	if s := observe.ExchangeFrom(r.Context()).TargetStatus; s != 0 {
		return s
	}
	return http.StatusOK
}
