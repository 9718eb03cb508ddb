package forwarded

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// MaxTracedHeaderBytes is the request header size above which the trace header is replaced by a
// fresh Root (HDR-TRACE-05, LIM-05: 7 KB), measured by RequestHeaderBytes.
const MaxTracedHeaderBytes = 7 << 10

// traceIDLen is len("1-") + 8 hex time + len("-") + 24 hex random (HDR-TRACE-01).
const traceIDLen = 2 + 8 + 1 + 24

const hexDigits = "0123456789abcdef"

// NewTraceID returns a fresh trace ID "1-<8 hex epoch seconds>-<24 hex random>" (HDR-TRACE-01),
// the value of a Root or Self field. The 96 random bits come from math/rand/v2's per-thread
// ChaCha8 source: unpredictable enough for tracing, no system call and no lock per request.
func NewTraceID(now time.Time) string {
	var buf [traceIDLen]byte
	appendTraceID(buf[:0], now)
	return string(buf[:])
}

// appendTraceID appends a fresh trace ID to b.
func appendTraceID(b []byte, now time.Time) []byte {
	b = append(b, '1', '-')
	b = appendHex(b, uint64(uint32(now.Unix())), 8)
	b = append(b, '-')
	b = appendHex(b, uint64(rand.Uint32()), 8)
	return appendHex(b, rand.Uint64(), 16)
}

// appendHex appends the low digits*4 bits of v as lowercase hex, zero-padded.
func appendHex(b []byte, v uint64, digits int) []byte {
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hexDigits[(v>>(uint(i)*4))&0xf])
	}
	return b
}

// TraceHeader returns the X-Amzn-Trace-Id to forward (HDR-TRACE-01..05, 07), given the incoming
// header lines (the first non-empty one is used), the request time and the request's header size
// (RequestHeaderBytes):
//   - absent, too large a request (> MaxTracedHeaderBytes), or unusable (control characters):
//     "Root=<new>" only;
//   - valid Root and no Self: "Self=<new>;" in front, every field kept (T21);
//   - Self present with a valid Root: the first Self's value replaced in place, further Self
//     fields dropped;
//   - no Root or a malformed Root (HDR-TRACE-07): the load balancer starts the trace: "Root=<new>"
//     in front, malformed Root and stale Self fields dropped, other fields kept.
//
// Empty fields (";;") are dropped and spaces around fields trimmed.
func TraceHeader(incoming []string, now time.Time, headerBytes int) string {
	h := firstNonEmpty(incoming)
	if h == "" || headerBytes > MaxTracedHeaderBytes || hasControl(h) {
		return rootOnly(now)
	}
	rootOK := false
	for rest := h; rest != ""; {
		var f string
		f, rest, _ = strings.Cut(rest, ";")
		if v, ok := strings.CutPrefix(strings.TrimSpace(f), "Root="); ok && validTraceID(v) {
			rootOK = true
			break
		}
	}
	var b strings.Builder
	b.Grow(len(h) + len("Self=;") + traceIDLen)
	if rootOK {
		writeWithSelf(&b, h, now)
	} else {
		writeNewRoot(&b, h, now)
	}
	return b.String()
}

// writeWithSelf writes the fields of h with a fresh Self: in place of the first Self, or in front.
func writeWithSelf(b *strings.Builder, h string, now time.Time) {
	selfDone := false
	if !fieldPresent(h, "Self") {
		writeField(b, "Self=", now)
		selfDone = true
	}
	for rest := h; rest != ""; {
		var f string
		f, rest, _ = strings.Cut(rest, ";")
		f = strings.TrimSpace(f)
		switch {
		case f == "":
		case strings.HasPrefix(f, "Self="):
			if !selfDone {
				writeField(b, "Self=", now)
				selfDone = true
			}
		default:
			sep(b)
			b.WriteString(f)
		}
	}
}

// writeNewRoot writes a fresh Root followed by the fields of h that still mean something.
func writeNewRoot(b *strings.Builder, h string, now time.Time) {
	writeField(b, "Root=", now)
	for rest := h; rest != ""; {
		var f string
		f, rest, _ = strings.Cut(rest, ";")
		f = strings.TrimSpace(f)
		if f == "" || strings.HasPrefix(f, "Root=") || strings.HasPrefix(f, "Self=") {
			continue
		}
		sep(b)
		b.WriteString(f)
	}
}

// writeField writes name (with its "=") and a fresh trace ID, after a separator if needed.
func writeField(b *strings.Builder, name string, now time.Time) {
	var buf [traceIDLen]byte
	sep(b)
	b.WriteString(name)
	b.Write(appendTraceID(buf[:0], now))
}

func sep(b *strings.Builder) {
	if b.Len() > 0 {
		b.WriteByte(';')
	}
}

func rootOnly(now time.Time) string {
	var buf [len("Root=") + traceIDLen]byte
	return string(appendTraceID(append(buf[:0], "Root="...), now))
}

// fieldPresent reports whether h has a field named name.
func fieldPresent(h, name string) bool {
	for rest := h; rest != ""; {
		var f string
		f, rest, _ = strings.Cut(rest, ";")
		if k, _, ok := strings.Cut(strings.TrimSpace(f), "="); ok && k == name {
			return true
		}
	}
	return false
}

// validTraceID reports whether v is "1-<8 hex>-<24 hex>" (HDR-TRACE-01; either hex case).
func validTraceID(v string) bool {
	if len(v) != traceIDLen || v[0] != '1' || v[1] != '-' || v[10] != '-' {
		return false
	}
	for i := 2; i < len(v); i++ {
		if i != 10 && !isHex(v[i]) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// hasControl reports bytes that may not appear in a header value (CTLs other than tab).
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

func firstNonEmpty(lines []string) string {
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// RequestHeaderBytes measures a request's header block as the client sent it, for
// HDR-TRACE-05: the request line, a Host line, every "Name: value\r\n" line and the blank line.
// net/http does not keep the raw bytes; this reconstruction differs from them only in
// insignificant whitespace. It must be called before the load balancer adds its own headers.
func RequestHeaderBytes(r *http.Request) int {
	n := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + 2
	if r.Host != "" {
		n += len("Host: ") + len(r.Host) + 2
	}
	for name, values := range r.Header {
		for _, v := range values {
			n += len(name) + 2 + len(v) + 2
		}
	}
	return n + 2
}
