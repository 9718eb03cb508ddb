package function

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"
)

// logTailSize is how much of an invocation's log Response.LogTail keeps: Lambda's 4 KB for
// X-Amz-Log-Result (C.2).
const logTailSize = 4096

// logTail keeps the last logTailSize bytes of the lines written to it. Safe for concurrent use:
// output lines arrive from the process's stdout and stderr readers.
type logTail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *logTail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.buf == nil {
		// START, END and REPORT fit: one allocation instead of one per line.
		t.buf = make([]byte, 0, 512)
	}
	t.buf = append(t.buf, line...)
	t.buf = append(t.buf, '\n')
	if len(t.buf) > 4*logTailSize {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-logTailSize:]...)
	}
}

// addRaw appends already newline-terminated text.
func (t *logTail) addRaw(b []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
}

// bytes returns the tail, at most logTailSize bytes.
func (t *logTail) bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) > logTailSize {
		b = b[len(b)-logTailSize:]
	}
	return append([]byte(nil), b...)
}

// invocationLog is the log of one invocation: each line goes to the function's logger, tagged
// with function name, request ID and, when the invocation carries one, the trace header (so
// that the lines of a request routed by the load balancer share its trace id), and into the
// tail.
type invocationLog struct {
	logger    *slog.Logger
	function  string
	requestID string
	traceID   string
	tail      logTail
}

func (l *invocationLog) line(s string) {
	l.tail.add(s)
	// The attributes are boxed into a []any before slog looks at the level: a logger that drops
	// Info (albatross serve --log-level warn) would still pay for them on every line.
	if !l.logger.Enabled(context.Background(), slog.LevelInfo) {
		return
	}
	if l.traceID != "" {
		l.logger.Info(s, "function", l.function, "request_id", l.requestID, "trace_id", l.traceID)
		return
	}
	l.logger.Info(s, "function", l.function, "request_id", l.requestID)
}

// report is the data of Lambda's REPORT line.
type report struct {
	requestID    string
	duration     time.Duration
	initDuration time.Duration // 0 on warm starts: the field is left out
	memoryMB     int
	maxMemory    int64  // bytes
	status       string // "" on success, "timeout" or "error"
	errorType    string // with status "error"
}

// String renders the REPORT line as Lambda prints it: durations in ms to two decimals, Billed
// Duration rounded up to the next ms and including Init Duration on cold starts (Lambda bills
// the Init phase), memory in MB rounded up; Status and Error Type only for failed invocations.
func (r report) String() string {
	// Appended with strconv rather than fmt (the same digits: 'f' with precision 2 is %.2f):
	// one allocation for a line written on every invocation.
	b := make([]byte, 0, 192)
	b = append(b, "REPORT RequestId: "...)
	b = append(b, r.requestID...)
	b = append(b, "\tDuration: "...)
	b = strconv.AppendFloat(b, ms(r.duration), 'f', 2, 64)
	b = append(b, " ms\tBilled Duration: "...)
	b = strconv.AppendInt(b, int64(math.Ceil(ms(r.duration)+ms(r.initDuration))), 10)
	b = append(b, " ms\tMemory Size: "...)
	b = strconv.AppendInt(b, int64(r.memoryMB), 10)
	b = append(b, " MB\tMax Memory Used: "...)
	b = strconv.AppendInt(b, (r.maxMemory+(1<<20)-1)>>20, 10)
	b = append(b, " MB"...)
	if r.initDuration > 0 {
		b = append(b, "\tInit Duration: "...)
		b = strconv.AppendFloat(b, ms(r.initDuration), 'f', 2, 64)
		b = append(b, " ms"...)
	}
	if r.status != "" {
		b = append(b, "\tStatus: "...)
		b = append(b, r.status...)
	}
	if r.errorType != "" {
		b = append(b, "\tError Type: "...)
		b = append(b, r.errorType...)
	}
	return string(b)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func startLine(requestID string) string { return "START RequestId: " + requestID + " Version: $LATEST" }

func endLine(requestID string) string { return "END RequestId: " + requestID }
