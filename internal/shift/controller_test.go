package shift

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// The state survives a restart: a new controller on the same store resumes the step, and a
// controller for other groups starts afresh.
func TestStateSurvivesRestart(t *testing.T) {
	t.Parallel()
	store := NewFileStore(filepath.Join(t.TempDir(), "shift"))
	c := NewController("web/8080/15", *testPlan(), store, quiet, t0)
	if err := c.Command(CommandAdvance, t0); err != nil {
		t.Fatal(err)
	}
	_ = c.Command(CommandAdvance, t0)
	_ = c.Command(CommandPause, t0)

	again := NewController("web/8080/15", *testPlan(), NewFileStore(store.dir), quiet, t0.Add(time.Hour))
	if s := again.Status(); s.Step != 2 || s.Status != Paused || s.Percent != 25 || again.Percent() != 25 || s.Weights != [2]int{75, 25} {
		t.Fatalf("after restart: %+v", s)
	}
	other := *testPlan()
	other.New = "api2"
	if s := NewController("web/8080/15", other, store, quiet, t0).Status(); s.Step != 0 || s.Status != Running {
		t.Fatalf("other groups: %+v", s)
	}
}

// A reload's albatross.shift.state acts only when it changes.
func TestReconfigure(t *testing.T) {
	t.Parallel()
	c := NewController("r", *testPlan(), &MemoryStore{}, quiet, t0)
	c.Reconfigure(*testPlan(), Running, -1, t0) // the first reload: running is where it starts
	_ = c.Command(CommandPause, t0)             // paused through the API
	c.Reconfigure(*testPlan(), Running, -1, t0) // an unrelated reload does not resume it
	if s := c.Status(); s.Status != Paused {
		t.Fatalf("status %s", s.Status)
	}
	c.Reconfigure(*testPlan(), Aborted, -1, t0)
	if s := c.Status(); s.Status != Aborted {
		t.Fatalf("status %s", s.Status)
	}
	c.Reconfigure(*testPlan(), Running, -1, t0)
	if s := c.Status(); s.Status != Running {
		t.Fatalf("status %s", s.Status)
	}
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (f handlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) error { return f(w, r) }

// The split sends New its share and meters each side's answers, error pages included.
func TestSplitMeters(t *testing.T) {
	t.Parallel()
	c := NewController("r", *testPlan(), &MemoryStore{}, quiet, t0)
	older := handlerFunc(func(w http.ResponseWriter, r *http.Request) error { _, _ = io.WriteString(w, "old"); return nil })
	newer := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return &elberr.Error{Status: http.StatusBadGateway, Source: elberr.SourceTarget, Err: errors.New("down")}
	})
	h := c.Split(older, newer)
	serve := func() int {
		rec := httptest.NewRecorder()
		if err := h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil)); err != nil {
			return 502
		}
		return rec.Code
	}
	for range 10 {
		if serve() != 200 {
			t.Fatal("step 0 sent a request to the new group")
		}
	}
	for range 4 {
		_ = c.Command(CommandAdvance, t0)
	}
	for range 10 {
		if serve() != 502 {
			t.Fatal("step 100 sent a request to the old group")
		}
	}
	if n, e, _ := c.New.Reading(); n != 10 || e != 10 {
		t.Fatalf("new meter %d/%d", n, e)
	}
}

// albatross.shift.at_least advances a shift through a reload, once per change, never backwards.
func TestReconfigureAtLeast(t *testing.T) {
	t.Parallel()
	c := NewController("r", *testPlan(), &MemoryStore{}, quiet, t0)
	c.Reconfigure(*testPlan(), Running, 25, t0)
	if s := c.Status(); s.Percent != 25 || s.Status != Running || s.LastGood != 1 {
		t.Fatalf("after at_least 25: %+v", s)
	}
	_ = c.Command(CommandAbort, t0)
	c.Reconfigure(*testPlan(), Running, 25, t0) // unchanged: the abort stands
	if s := c.Status(); s.Percent != 0 {
		t.Fatalf("an unchanged at_least moved the shift: %+v", s)
	}
	c.Reconfigure(*testPlan(), Aborted, 5, t0) // aborted, then advanced: it waits, paused, at 5 %
	if s := c.Status(); s.Percent != 5 || s.Status != Paused {
		t.Fatalf("at_least 5 from 0: %+v", s)
	}
	c.Reconfigure(*testPlan(), Aborted, 100, t0)
	if s := c.Status(); s.Percent != 100 || s.Status != Done {
		t.Fatalf("at_least 100: %+v", s)
	}
}

// A reload that changes albatross.shift.steps keeps the share where it stood or lowers it: the
// step index is mapped by percentage, never kept (step 2 of 0,5,25,50,100 is 25 %, but step 2
// of 0,50,100 would be 100 %). A restart with other steps maps the stored state alike.
func TestChangedStepsNeverRaiseTheShare(t *testing.T) {
	t.Parallel()
	store := NewFileStore(filepath.Join(t.TempDir(), "shift"))
	c := NewController("r", *testPlan(), store, quiet, t0)
	_ = c.Command(CommandAdvance, t0)
	_ = c.Command(CommandAdvance, t0) // 25 %, the last good step 5 %
	finer := *testPlan()
	finer.Steps = []int{0, 10, 20, 25, 30, 100}
	c.Reconfigure(finer, Running, -1, t0)
	if s := c.Status(); s.Percent != 25 || s.Step != 3 || s.LastGood != 0 {
		t.Fatalf("finer steps: %+v; want 25%% at step 3, the last good step 0 (the highest not above 5%%)", s)
	}
	coarser := *testPlan()
	coarser.Steps = []int{0, 50, 100}
	c.Reconfigure(coarser, Running, -1, t0)
	if s := c.Status(); s.Percent != 0 || s.Step != 0 {
		t.Fatalf("coarser steps: %+v; want 0%% (no step between 0 and 25)", s)
	}
	_ = c.Command(CommandAdvance, t0) // 50 % under the coarser steps, stored
	again := NewController("r", *testPlan(), NewFileStore(store.dir), quiet, t0)
	if s := again.Status(); s.Percent != 50 || s.Step != 3 {
		t.Fatalf("restarted with the first steps: %+v; want 50%% at step 3", s)
	}
}
