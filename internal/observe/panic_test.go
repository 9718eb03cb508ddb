package observe

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// forgetPanics drops component's panic counter when the test ends: the table is the process's,
// and a test's panics would otherwise show in every later exposition of the run
// (TestMetricsAfterScript's golden one with go test -count=2) and count twice in its own next
// round.
func forgetPanics(t *testing.T, component string) {
	t.Cleanup(func() { panicCounts.Delete(component) })
}

// TestLogWriterSurvivesAPanickingEntry: an entry whose formatting panics (a bug) is dropped and
// reported; the entries around it are written and the writer goroutine lives on.
func TestLogWriterSurvivesAPanickingEntry(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	dir := t.TempDir()
	forgetPanics(t, "log_writer")
	before := PanicCount("log_writer")
	l := &rotatingLog[string]{
		name: "test log",
		format: func(b []byte, e string) []byte {
			if e == "bad" {
				var empty []byte
				b = append(b, empty[len(e)]) // index out of range: a real bug's panic
			}
			return append(append(b, e...), '\n')
		},
		at:  func(string) time.Time { return time.Now() },
		key: func(_ LogLocation, end time.Time, random string) string { return "x/" + random + ".log.gz" },
	}
	l.start(AccessLogOptions{Dir: dir, Interval: time.Hour, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for _, e := range []string{"one", "bad", "two"} {
		l.observe(e)
	}
	if err := l.close(context.Background()); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "x", "*"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	got := gunzip(t, files[0])
	if got != "one\ntwo\n" {
		t.Errorf("log holds %q, want the entries around the bad one", got)
	}
	if l.dropped.Load() != 1 || PanicCount("log_writer")-before != 1 || !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("dropped %d, panics %d, log %q", l.dropped.Load(), PanicCount("log_writer")-before, logs.String())
	}
}

// TestRejectionAndPanicMetrics: RejectedConnectionCount per load balancer and the panic counter
// per component reach the exposition, and one load balancer keeps one counter.
func TestRejectionAndPanicMetrics(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	r := m.RejectedConnections("app/web/1")
	r.ConnectionRejected()
	m.RejectedConnections("app/web/1").ConnectionRejected()
	if m.RejectedConnections("app/web/1") != r {
		t.Error("a second counter for the same load balancer")
	}
	forgetPanics(t, "metrics_test")
	Panicked(context.Background(), slog.New(slog.DiscardHandler), "metrics_test", "injected")
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	m.WriteTo(w)
	_ = w.Flush()
	for _, want := range []string{
		`alb_rejected_connection_count_total{load_balancer="app/web/1"} 2`,
		`albatross_panics_total{component="metrics_test"} 1`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("exposition lacks %s:\n%s", want, out.String())
		}
	}
}
