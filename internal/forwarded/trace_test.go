package forwarded

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// id is the HDR-TRACE-01 shape of an ID generated at testNow.
const id = `1-6512bd43-[0-9a-f]{24}`

var testNow = time.Unix(0x6512bd43, 0)

// TestTraceHeader covers HDR-TRACE-01..05 and 07 with T20/T21. Expected values are patterns
// because the random part differs on every call.
func TestTraceHeader(t *testing.T) {
	root := "Root=1-67891233-abcdef012345678912345678"
	testCases := []struct {
		desc        string
		incoming    []string
		headerBytes int
		want        string // regexp, anchored
	}{
		{desc: "T20 HDR-TRACE-02 absent", want: `Root=` + id},
		{desc: "empty line is absent", incoming: []string{"  "}, want: `Root=` + id},
		{desc: "T21 HDR-TRACE-03 Self in front, fields kept", incoming: []string{root + ";CalledFrom=app"},
			want: `Self=` + id + `;` + root + `;CalledFrom=app`},
		{desc: "HDR-TRACE-04 Self replaced in place", incoming: []string{"Self=1-11111111-222222222222222222222222;" + root + ";Sampled=1"},
			want: `Self=` + id + `;` + root + `;Sampled=1`},
		{desc: "Self after Root replaced in place", incoming: []string{root + ";Self=1-11111111-222222222222222222222222"},
			want: root + `;Self=` + id},
		{desc: "duplicate Self fields collapse to one", incoming: []string{"Self=a;" + root + ";Self=b"},
			want: `Self=` + id + `;` + root},
		{desc: "spaces and empty fields are cleaned", incoming: []string{" " + root + " ;; Parent=53995c3f42cd8ad8 "},
			want: `Self=` + id + `;` + root + `;Parent=53995c3f42cd8ad8`},
		{desc: "upper-case hex Root is valid", incoming: []string{"Root=1-67891233-ABCDEF012345678912345678"},
			want: `Self=` + id + `;Root=1-67891233-ABCDEF012345678912345678`},
		{desc: "HDR-TRACE-05 over 7 KB: only a new Root", incoming: []string{root + ";CalledFrom=app"}, headerBytes: MaxTracedHeaderBytes + 1,
			want: `Root=` + id},
		{desc: "exactly 7 KB is not over", incoming: []string{root}, headerBytes: MaxTracedHeaderBytes,
			want: `Self=` + id + `;` + root},
		{desc: "HDR-TRACE-07 no Root: new Root in front, fields kept", incoming: []string{"Parent=53995c3f42cd8ad8;Sampled=1"},
			want: `Root=` + id + `;Parent=53995c3f42cd8ad8;Sampled=1`},
		{desc: "HDR-TRACE-07 malformed Root replaced, stale Self dropped", incoming: []string{"Self=x;Root=1-abc;Sampled=0"},
			want: `Root=` + id + `;Sampled=0`},
		{desc: "HDR-TRACE-07 Root with 23 hex digits (the docs' typo) is malformed", incoming: []string{"Root=1-67891233-abcdef01234567891234567"},
			want: `Root=` + id},
		{desc: "field names are case-sensitive", incoming: []string{"root=1-67891233-abcdef012345678912345678"},
			want: `Root=` + id + `;root=1-67891233-abcdef012345678912345678`},
		{desc: "first non-empty line is used", incoming: []string{"", root, "Root=1-00000000-000000000000000000000000"},
			want: `Self=` + id + `;` + root},
		{desc: "control characters make the header unusable", incoming: []string{root + "\r\nX-Evil: 1"}, want: `Root=` + id},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got := TraceHeader(tc.incoming, testNow, tc.headerBytes)
			if !regexp.MustCompile(`^` + tc.want + `$`).MatchString(got) {
				t.Errorf("TraceHeader(%q) = %q, want /%s/", tc.incoming, got, tc.want)
			}
		})
	}
}

// TestNewTraceIDRandom checks HDR-TRACE-01's shape and that IDs differ.
func TestNewTraceIDRandom(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		v := NewTraceID(testNow)
		if !regexp.MustCompile(`^`+id+`$`).MatchString(v) || !validTraceID(v) {
			t.Fatalf("NewTraceID = %q", v)
		}
		if seen[v] {
			t.Fatalf("duplicate ID %q", v)
		}
		seen[v] = true
	}
}

// TestRequestHeaderBytes measures the header block the HDR-TRACE-05 limit applies to.
func TestRequestHeaderBytes(t *testing.T) {
	t.Parallel()
	r := &http.Request{Method: "GET", RequestURI: "/a?b", Proto: "HTTP/1.1", Host: "ex.com",
		Header: http.Header{"Accept": {"*/*"}, "Cookie": {"a=1", "b=2"}}}
	wire := "GET /a?b HTTP/1.1\r\nHost: ex.com\r\nAccept: */*\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n"
	if got := RequestHeaderBytes(r); got != len(wire) {
		t.Errorf("RequestHeaderBytes = %d, want %d", got, len(wire))
	}
}

// FuzzTraceHeader: never panics, output is one header line starting with a Root or Self field
// and holding exactly one generated Root or Self.
func FuzzTraceHeader(f *testing.F) {
	f.Add("Root=1-67891233-abcdef012345678912345678;CalledFrom=app", 100)
	f.Add("Self=1-67891233-abcdef012345678912345678;Root=1-67891233-abcdef012345678912345678", 8000)
	f.Add(";;;Root=;Self=;=", 0)
	f.Add("Parent=x\r\n", 0)
	f.Fuzz(func(t *testing.T, in string, headerBytes int) {
		got := TraceHeader([]string{in}, testNow, headerBytes)
		if strings.ContainsAny(got, "\r\n\x00") {
			t.Fatalf("control characters in %q", got)
		}
		if !strings.HasPrefix(got, "Root=") && !strings.Contains(got, "Self=1-6512bd43-") {
			t.Fatalf("no generated field in %q", got)
		}
		if len(got) > len(in)+len("Self=;")+traceIDLen {
			t.Fatalf("output %d bytes grew beyond the input %d", len(got), len(in))
		}
	})
}

func BenchmarkTraceHeaderAbsent(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		TraceHeader(nil, testNow, 500)
	}
}

func BenchmarkTraceHeaderWithRoot(b *testing.B) {
	in := []string{"Root=1-67891233-abcdef012345678912345678;CalledFrom=app"}
	b.ReportAllocs()
	for b.Loop() {
		TraceHeader(in, testNow, 500)
	}
}
