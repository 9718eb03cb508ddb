package wire

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

// within reports whether s lies inside buf[:n]; buf's capacity equals its length.
func within(buf, s []byte, n int) bool {
	if len(s) == 0 {
		return true
	}
	off := cap(buf) - cap(s)
	return off >= 0 && off+len(s) <= n
}

// FuzzParse checks, for any bytes: no panic; every slice of the head lies inside the bytes the
// head took; the verdict is consistent with its reason and stable across parses; every proper
// prefix of a head is incomplete; unframeable or unforwardable heads are blocked in every mode;
// a Compliant head serialises to bytes that parse to the same head, and serialising that gives
// the same bytes again; where net/http also accepts a head Albatross would forward, both read
// the same request. testdata/fuzz/FuzzParse holds the seed corpus; the guardian table seeds too.
func FuzzParse(f *testing.F) {
	for _, tc := range guardianCases {
		f.Add([]byte(tc.raw))
	}
	for _, raw := range typicalHeads {
		f.Add([]byte(raw))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		buf := slices.Clip(slices.Clone(data))
		var h Head
		n, err := h.Parse(buf)
		if err != nil {
			if n != 0 {
				t.Fatalf("error %v with n=%d", err, n)
			}
			if !errors.Is(err, ErrIncomplete) && !errors.Is(err, ErrRequestLineTooLong) &&
				!errors.Is(err, ErrHeaderLineTooLong) && !errors.Is(err, ErrHeadTooLarge) && !errors.Is(err, ErrEmptyLines) {
				t.Fatalf("unknown error %v", err)
			}
			return
		}
		if n <= 0 || n > len(buf) || h.Size != n {
			t.Fatalf("n=%d Size=%d len=%d", n, h.Size, len(buf))
		}
		for _, s := range [][]byte{h.Method, h.Target, h.Proto} {
			if !within(buf, s, n) {
				t.Fatalf("request line part %q outside the head", s)
			}
		}
		for _, fl := range h.Fields {
			if !within(buf, fl.Name, n) || !within(buf, fl.Value, n) {
				t.Fatalf("field %q outside the head", fl.Name)
			}
		}
		if h.Verdict.Reason.Class() != h.Verdict.Class || (h.Verdict.Class == Compliant) != (h.Verdict.Reason == ReasonNone) {
			t.Fatalf("verdict %d/%d inconsistent", h.Verdict.Class, h.Verdict.Reason)
		}
		if h.Framing == FramingInvalid && h.Verdict.Class != Severe {
			t.Fatalf("unframeable head classified %s", h.Verdict.Reason)
		}

		// Stable: a fresh copy parses the same way.
		var again Head
		if m, err := again.Parse(slices.Clone(data)); err != nil || m != n || again.Verdict != h.Verdict ||
			again.Framing != h.Framing || again.ContentLength != h.ContentLength || len(again.Fields) != len(h.Fields) {
			t.Fatalf("second parse differs: %v n=%d/%d %v/%v", err, m, n, again.Verdict, h.Verdict)
		}
		// Incomplete: no proper prefix is a head. (Checked on a few cuts to keep runs fast.)
		for _, k := range []int{0, n / 2, n - 1} {
			var p Head
			if _, err := p.Parse(slices.Clone(data[:k])); !errors.Is(err, ErrIncomplete) {
				t.Fatalf("prefix of %d bytes: %v", k, err)
			}
		}
		for _, mode := range []Mode{Monitor, Defensive, Strictest} {
			if (h.Framing == FramingInvalid || h.unforwardable()) && !mode.Decide(&h).Block {
				t.Fatalf("mode %d forwards an unframeable or unforwardable head", mode)
			}
		}

		if h.Verdict.Class == Compliant {
			out := h.AppendTo(nil)
			var re Head
			if _, err := re.Parse(out); err != nil || re.Verdict != h.Verdict || re.Framing != h.Framing ||
				!bytes.Equal(re.Method, h.Method) || !bytes.Equal(re.Target, h.Target) || !bytes.Equal(re.Proto, h.Proto) ||
				!slices.EqualFunc(re.Fields, h.Fields, func(a, b Field) bool {
					return bytes.Equal(a.Name, b.Name) && bytes.Equal(a.Value, b.Value)
				}) {
				t.Fatalf("re-serialised %q parses as %v/%v, not as %q", out, err, re.Verdict, buf[:n])
			}
			if out2 := re.AppendTo(nil); !bytes.Equal(out, out2) {
				t.Fatalf("serialising is not idempotent: %q then %q", out, out2)
			}
		}

		if Defensive.Decide(&h).Block || h.Major != 1 || h.Minor != 1 {
			return
		}
		r, nerr := readNetHTTP(data[:n])
		if nerr != nil {
			return
		}
		if diff := agreeWithNetHTTP(&h, r); diff != "" {
			t.Fatalf("net/http reads %q differently: %s", data[:n], diff)
		}
	})
}
