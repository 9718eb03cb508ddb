package wire

import (
	"errors"
	"strings"
	"testing"
)

// TestLimits checks LIM-01 at its edges: a line of exactly 16 K with its CRLF passes, one byte
// more fails, and an over-long line fails before its LF arrives.
func TestLimits(t *testing.T) {
	target := func(lineLen int) string { // a request line of lineLen bytes with CRLF
		return "GET /" + strings.Repeat("a", lineLen-len("GET / HTTP/1.1\r\n")) + " HTTP/1.1\r\n"
	}
	field := func(lineLen int) string { // a field line of lineLen bytes with CRLF
		return "X: " + strings.Repeat("v", lineLen-len("X: \r\n")) + "\r\n"
	}
	var manyFields strings.Builder
	for manyFields.Len() <= maxHeaderBlock {
		manyFields.WriteString(field(1000))
	}
	cases := []struct {
		name string
		raw  string
		want error
	}{
		{"request line at the limit", target(maxRequestLine) + "Host: a\r\n\r\n", nil},
		{"request line over the limit", target(maxRequestLine+1) + "Host: a\r\n\r\n", ErrRequestLineTooLong},
		{"request line over the limit, no LF yet", target(maxRequestLine + 1)[:maxRequestLine+1], ErrRequestLineTooLong},
		{"request line below the limit, no LF yet", target(maxRequestLine)[:maxRequestLine-1], ErrIncomplete},
		{"header line at the limit", "GET / HTTP/1.1\r\n" + field(maxHeaderLine) + "\r\n", nil},
		{"header line over the limit", "GET / HTTP/1.1\r\n" + field(maxHeaderLine+1) + "\r\n", ErrHeaderLineTooLong},
		{"header line over the limit, no LF yet", "GET / HTTP/1.1\r\n" + field(maxHeaderLine + 1)[:maxHeaderLine+1], ErrHeaderLineTooLong},
		{"header block over the limit", "GET / HTTP/1.1\r\n" + manyFields.String() + "\r\n", ErrHeadTooLarge},
		{"header block over the limit, incomplete", "GET / HTTP/1.1\r\n" + manyFields.String(), ErrHeadTooLarge},
		{"empty lines before the request line", "\r\n\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", nil},
		{"endless empty lines", strings.Repeat("\r\n", maxLeadingEmptyLines+2) + "GET / HTTP/1.1\r\n\r\n", ErrEmptyLines},
		{"nothing yet", "", ErrIncomplete},
		{"a lone CR", "\r", ErrIncomplete},
	}
	var h Head
	for _, tc := range cases {
		_, err := h.Parse([]byte(tc.raw))
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestBlockLimitCountsFieldLines pins what the 64 K counts: the field lines as received,
// terminators included, neither the request line nor the final empty line.
func TestBlockLimitCountsFieldLines(t *testing.T) {
	var b strings.Builder
	b.WriteString("GET / HTTP/1.1\r\n")
	for n := 0; n < maxHeaderBlock/1024; n++ {
		b.WriteString("X: " + strings.Repeat("v", 1024-len("X: \r\n")) + "\r\n")
	}
	b.WriteString("\r\n")
	var h Head
	if _, err := h.Parse([]byte(b.String())); err != nil || h.HeaderBytes != maxHeaderBlock {
		t.Fatalf("exactly 64 K of fields: %v, %d bytes", err, h.HeaderBytes)
	}
	withOneMore := strings.TrimSuffix(b.String(), "\r\n") + "Y\r\n\r\n"
	if _, err := h.Parse([]byte(withOneMore)); !errors.Is(err, ErrHeadTooLarge) {
		t.Fatalf("64 K + 3: %v", err)
	}
}

// TestEveryPrefixIsIncomplete: a connection loop parses as bytes arrive; no prefix of a valid
// head may be taken for a head or refused.
func TestEveryPrefixIsIncomplete(t *testing.T) {
	for _, tc := range guardianCases {
		var h Head
		for k := 0; k < len(tc.raw); k++ {
			if n, err := h.Parse([]byte(tc.raw[:k])); err != ErrIncomplete {
				t.Fatalf("%s: prefix of %d bytes: n=%d err=%v", tc.name, k, n, err)
			}
		}
	}
}

func TestPipelinedRequests(t *testing.T) {
	raw := "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHost: a\r\n\r\n"
	var h Head
	buf := []byte(raw)
	n, err := h.Parse(buf)
	if err != nil || string(h.Target) != "/a" || h.ContentLength != 3 || string(buf[n:n+3]) != "abc" {
		t.Fatalf("first: n=%d err=%v target=%q", n, err, h.Target)
	}
	rest := buf[n+3:]
	if m, err := h.Parse(rest); err != nil || string(h.Target) != "/b" || m != len(rest) {
		t.Fatalf("second: %v %q", err, h.Target)
	}
}

func TestFieldsKeepCaseAndOrder(t *testing.T) {
	raw := "GET / HTTP/1.1\r\nhost: a\r\nX-lower-Mixed: 1\r\nACCEPT:  text/html \r\nx-lower-mixed: 2\r\n\r\n"
	var h Head
	if _, err := h.Parse([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	want := []string{"host=a", "X-lower-Mixed=1", "ACCEPT=text/html", "x-lower-mixed=2"}
	if len(h.Fields) != len(want) {
		t.Fatalf("%d fields", len(h.Fields))
	}
	for i, f := range h.Fields {
		if got := string(f.Name) + "=" + string(f.Value); got != want[i] {
			t.Errorf("field %d = %q, want %q", i, got, want[i])
		}
	}
	if h.HostCount != 1 {
		t.Errorf("HostCount = %d", h.HostCount)
	}
}

// TestObsFoldIsUnfoldedInPlace: a folded value becomes one line of spaces in the caller's
// buffer, without a copy.
func TestObsFoldIsUnfoldedInPlace(t *testing.T) {
	buf := []byte("GET / HTTP/1.1\r\nHost: a\r\nX-Fold: a\r\n  b\r\n\tc\r\nX-Next: d\r\n\r\n")
	var h Head
	if _, err := h.Parse(buf); err != nil {
		t.Fatal(err)
	}
	if got := string(h.Fields[1].Value); got != "a b c" || h.Fields[1].Flags&FieldFolded == 0 {
		t.Errorf("folded value = %q, flags %b", got, h.Fields[1].Flags)
	}
	if string(h.Fields[2].Name) != "X-Next" || h.Verdict.Reason != ReasonMultilineHeader {
		t.Errorf("after the fold: %q, %s", h.Fields[2].Name, h.Verdict.Reason)
	}
}

func TestHostCount(t *testing.T) {
	var h Head
	if _, err := h.Parse([]byte("GET / HTTP/1.1\r\nHost: a\r\nHOST: b\r\n\r\n")); err != nil || h.HostCount != 2 {
		t.Fatalf("%v, HostCount %d", err, h.HostCount)
	}
	// Several Host fields are not a desync reason; RFC 9112 §3.2's 400 is the loop's to give.
	if h.Verdict.Class != Compliant {
		t.Errorf("two Host fields classified %s", h.Verdict.Reason)
	}
}
