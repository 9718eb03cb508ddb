package wire

import "testing"

func TestDecideMatrix(t *testing.T) {
	allow, closeBoth, block := Action{}, Action{CloseClient: true, CloseTarget: true}, Action{Block: true}
	// DSY-02's table, row by row.
	want := map[Class][3]Action{ // monitor, defensive, strictest
		Compliant:  {allow, allow, allow},
		Acceptable: {allow, allow, block},
		Ambiguous:  {allow, closeBoth, block},
		Severe:     {allow, block, block},
	}
	// One framed, forwardable request of each class.
	heads := map[Class]string{
		Compliant:  "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		Acceptable: "GET / HTTP/1.1\r\nHost: a\r\nX: \x01\r\n\r\n",
		Ambiguous:  "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
		Severe:     "G@T / HTTP/1.1\r\nHost: a\r\n\r\n",
	}
	for class, raw := range heads {
		var h Head
		if _, err := h.Parse([]byte(raw)); err != nil || h.Verdict.Class != class {
			t.Fatalf("%q: %v, class %s, want %s", raw, err, h.Verdict.Class, class)
		}
		for i, mode := range []Mode{Monitor, Defensive, Strictest} {
			if got := mode.Decide(&h); got != want[class][i] {
				t.Errorf("%s in mode %d: %+v, want %+v", class, mode, got, want[class][i])
			}
		}
	}
}

// TestDecideBeyondTheMatrix covers what RFC 9112 adds in every mode, monitor included.
func TestDecideBeyondTheMatrix(t *testing.T) {
	allow, closeBoth, block := Action{}, Action{CloseClient: true, CloseTarget: true}, Action{Block: true}
	cases := []struct {
		name string
		raw  string
		want [3]Action // monitor, defensive, strictest
	}{
		{"unframeable: different lengths", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", [3]Action{block, block, block}},
		{"unframeable: gzip last", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", [3]Action{block, block, block}},
		{"CR in a value cannot be forwarded", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", [3]Action{block, block, block}},
		{"NUL in the target cannot be forwarded", "GET /\x00 HTTP/1.1\r\nHost: a\r\n\r\n", [3]Action{block, block, block}},
		{"TE and CL close both even in monitor", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", [3]Action{closeBoth, closeBoth, block}},
		{"TE on HTTP/1.0 closes both even in monitor", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", [3]Action{closeBoth, closeBoth, block}},
		{"bad method is forwardable in monitor", "G@T / HTTP/1.1\r\nHost: a\r\n\r\n", [3]Action{allow, block, block}},
	}
	for _, tc := range cases {
		var h Head
		if _, err := h.Parse([]byte(tc.raw)); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i, mode := range []Mode{Monitor, Defensive, Strictest} {
			if got := mode.Decide(&h); got != tc.want[i] {
				t.Errorf("%s, mode %d: %+v, want %+v", tc.name, mode, got, tc.want[i])
			}
		}
	}
}

func TestParseMode(t *testing.T) {
	for s, want := range map[string]Mode{"": Defensive, "defensive": Defensive, "monitor": Monitor, "strictest": Strictest} {
		if got, err := ParseMode(s); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %d, %v", s, got, err)
		}
	}
	if _, err := ParseMode("Monitor"); err == nil {
		t.Error(`ParseMode("Monitor") accepted; attribute values are case-sensitive`)
	}
}
