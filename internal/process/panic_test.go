package process

import (
	"os"
	"sync"
	"testing"
)

// panics records the values a Config.Panicked hook was given.
type panics struct {
	mu     sync.Mutex
	values []any
}

func (c *panics) hook(v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.values = append(c.values, v)
}

func (c *panics) got() []any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]any(nil), c.values...)
}

// TestPanicInOutputKillsTheProcess: a panic in the Output callback (a bug in whoever consumes a
// function's log) is reported, not fatal; the process, whose output can no longer be delivered,
// is killed, so that its owner sees an exit and replaces it; Exit does not hang.
func TestPanicInOutputKillsTheProcess(t *testing.T) {
	t.Parallel()
	var seen panics
	p, err := Start(Config{
		Command:  []string{os.Args[0]},
		Dir:      t.TempDir(),
		Env:      []string{"PROCESS_HELPER=sleep"}, // prints "ready", then sleeps a minute
		Output:   func(Stream, string) { panic("injected: output bug") },
		Panicked: seen.hook,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(0) })
	ex := p.Exit()
	if !ex.Stopped || ex.Signal == 0 {
		t.Errorf("exit = %+v (%s), want killed by albatross", ex, ex)
	}
	if got := seen.got(); len(got) != 1 || got[0] != "injected: output bug" {
		t.Errorf("Panicked got %v, want the one injected panic", got)
	}
}

// TestPanicInReaperStillPublishesExit: a panic in the goroutine that reaps the process is
// reported, and the exit is published all the same (nobody waiting on it hangs), with the
// process's own status.
func TestPanicInReaperStillPublishesExit(t *testing.T) {
	t.Parallel()
	var seen panics
	p, err := Start(Config{
		Command:   []string{os.Args[0]},
		Dir:       t.TempDir(),
		Env:       []string{"PROCESS_HELPER=lines"}, // exits with status 3
		Panicked:  seen.hook,
		afterReap: func() { panic("injected: reaper bug") },
	})
	if err != nil {
		t.Fatal(err)
	}
	if ex := p.Exit(); ex.Code != 3 {
		t.Errorf("exit = %+v (%s), want status 3", ex, ex)
	}
	if got := seen.got(); len(got) != 1 || got[0] != "injected: reaper bug" {
		t.Errorf("Panicked got %v, want the one injected panic", got)
	}
}

// TestPanicWithoutHookIsLogged: without a Panicked hook the panic still does not escape.
func TestPanicWithoutHookIsLogged(t *testing.T) {
	t.Parallel()
	p, err := Start(Config{
		Command: []string{os.Args[0]},
		Dir:     t.TempDir(),
		Env:     []string{"PROCESS_HELPER=sleep"},
		Output:  func(Stream, string) { panic("injected: output bug, no hook") },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(0) })
	if ex := p.Exit(); !ex.Stopped {
		t.Errorf("exit = %+v (%s), want killed by albatross", ex, ex)
	}
}
