package function

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLogFloodIsBounded: a function that writes 4 MB to stdout in one invocation still answers,
// the logger receives no more than the budget allows (a burst plus the rate over the time it
// took), a line over 256 KB is cut, and summary lines count what was dropped. The budget is
// scaled down (256 KiB burst, 64 KiB/s) so that a small flood overruns it even on a slow machine.
func TestLogFloodIsBounded(t *testing.T) {
	t.Parallel()
	f, logs := newTestFunction(t, func(s *Spec) { s.Timeout = 60 * time.Second })
	const rate, burst = 64 << 10, 256 << 10
	// Before any environment exists; environments start from the current code's spec (reload.go).
	f.spec.logLimit = &logLimiter{rate: rate, burst: burst, tokens: burst}
	code := *f.code.Load()
	code.logLimit = f.spec.logLimit
	f.code.Store(&code)
	start := time.Now()
	resp := invoke(t, f, `{"action":"flood","size":4194304}`)
	if string(resp.Payload) != `"flooded"` {
		t.Fatalf("flooding function answered %s", resp.Payload)
	}
	invoke(t, f, `{"action":"echo"}`) // a line after the flood carries the summary
	elapsed := time.Since(start)
	out := logs.String()
	budget := burst + int(elapsed.Seconds()*rate) + 64<<10 // + the platform and summary lines
	// Each logged 1000-byte line costs its bytes plus the handler's own fields; count the lines.
	logged := strings.Count(out, strings.Repeat("f", 999)) * 1000
	if logged > budget {
		t.Errorf("logger received %d bytes of function output in %v; budget %d", logged, elapsed, budget)
	}
	if strings.Contains(out, strings.Repeat("L", 256<<10+1)) {
		t.Error("a line over 256 KB reached the log uncut")
	}
	// Summaries come at most once a second; the last one when the environment stops.
	f.Close(t.Context())
	out = logs.String()
	lines, truncated := 0, 0
	for _, m := range regexp.MustCompile(`function log output dropped.* dropped_lines=(\d+) dropped_bytes=\d+ truncated_lines=(\d+)`).FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		lines += n
		n, _ = strconv.Atoi(m[2])
		truncated += n
	}
	if truncated != 1 {
		t.Errorf("summaries count %d lines cut at 256 KB; want 1", truncated)
	}
	if lines == 0 || lines*1000+logged < 4<<20-budget {
		t.Errorf("summaries count %d lines dropped, %d logged: they do not add up to the flood", lines, logged/1000)
	}
}
