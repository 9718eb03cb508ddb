package function

import (
	"log/slog"
	"sync"
	"time"
)

// Log output budget of one function, across all its environments: a function that floods
// stdout/stderr is cut down to this rate, so that it can neither stall the logger the load
// balancer shares nor fill the disk the logs go to. Lambda documents no rate; these leave
// ordinary logging untouched (a 4 MiB burst, then 512 KiB/s, about 5,000 lines/s of 100 bytes).
const (
	logRate  = 512 << 10 // bytes per second
	logBurst = 4 << 20   // bytes
)

// logLimiter is a token bucket of log bytes with a count of what it refused. Safe for
// concurrent use.
type logLimiter struct {
	rate, burst float64

	mu           sync.Mutex
	tokens       float64
	last         time.Time
	reported     time.Time // last summary: at most one a second, so summaries cannot flood either
	droppedLines uint64
	droppedBytes uint64
	truncated    uint64 // lines cut at the 256 KB event limit
}

func newLogLimiter() *logLimiter {
	return &logLimiter{rate: logRate, burst: logBurst, tokens: logBurst}
}

// allow takes len(line) bytes from the bucket; a refused line is counted as dropped. When a line
// is allowed after some were dropped, report says how many, for a summary line before it (at
// most one a second; flush gives the rest).
func (l *logLimiter) allow(line string, now time.Time) (ok bool, report dropReport) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() {
		l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	}
	l.last = now
	n := float64(len(line) + 1)
	if l.tokens < n {
		l.droppedLines++
		l.droppedBytes += uint64(len(line) + 1)
		return false, dropReport{}
	}
	l.tokens -= n
	if now.Sub(l.reported) < time.Second {
		return true, dropReport{}
	}
	l.reported = now
	return true, l.takeReportLocked()
}

// cut counts a line cut at the log event limit, reported with the next summary.
func (l *logLimiter) cut(droppedBytes int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.truncated++
	l.droppedBytes += uint64(droppedBytes)
}

// flush returns what was dropped and not yet reported (when an environment stops).
func (l *logLimiter) flush() dropReport {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.takeReportLocked()
}

func (l *logLimiter) takeReportLocked() dropReport {
	r := dropReport{lines: l.droppedLines, bytes: l.droppedBytes, truncated: l.truncated}
	l.droppedLines, l.droppedBytes, l.truncated = 0, 0, 0
	return r
}

// dropReport is what the limiter dropped since the last report.
type dropReport struct{ lines, bytes, truncated uint64 }

// log writes the summary line, if anything was dropped.
func (r dropReport) log(logger *slog.Logger, function string) {
	if r.lines == 0 && r.truncated == 0 {
		return
	}
	logger.Warn("function log output dropped", "function", function, "dropped_lines", r.lines,
		"dropped_bytes", r.bytes, "truncated_lines", r.truncated,
		"reason", "lines over the rate limit are dropped; lines over 256 KB are cut")
}
