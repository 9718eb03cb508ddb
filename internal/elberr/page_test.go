package elberr

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites the file under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from golden file:\n got: %q\nwant: %q", name, got, want)
	}
}

// TestPagesGolden pins every generated page byte for byte (ERR-BODY, §7 status table).
func TestPagesGolden(t *testing.T) {
	required := []int{301, 302, 400, 403, 405, 408, 413, 414, 460, 463, 464, 500, 501, 502, 503, 504, 505, 507, 561}
	for _, code := range required {
		if Page(code) == "" {
			t.Errorf("no page for required status %d", code)
		}
	}
	for _, code := range Codes() {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			t.Parallel()
			golden(t, strconv.Itoa(code)+".html", []byte(Page(code)))
		})
	}
}

// TestPageLength checks the ERR-BODY length rule and the sizes captured from real ALBs
// (T26: 301 → 134, T28: 503 → 162, 502 → 122).
func TestPageLength(t *testing.T) {
	testCases := []struct {
		desc   string
		code   int
		reason string
		length int
	}{
		{desc: "T28 no target", code: 503, reason: "Service Temporarily Unavailable", length: 162},
		{desc: "target failure", code: 502, reason: "Bad Gateway", length: 122},
		{desc: "T26 redirect", code: 301, reason: "Moved Permanently", length: 134},
		{desc: "nginx timeout phrase", code: 504, reason: "Gateway Time-out", length: 92 + 2*len("504 Gateway Time-out")},
		{desc: "nginx temporary redirect phrase", code: 302, reason: "Moved Temporarily", length: 92 + 2*len("302 Moved Temporarily")},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := Reason(tc.code); got != tc.reason {
				t.Errorf("Reason(%d) = %q, want %q", tc.code, got, tc.reason)
			}
			if got := len(Page(tc.code)); got != tc.length {
				t.Errorf("len(Page(%d)) = %d, want %d", tc.code, got, tc.length)
			}
		})
	}
	for _, code := range Codes() {
		status := strconv.Itoa(code) + " " + Reason(code)
		if got, want := len(Page(code)), 92+2*len(status); got != want {
			t.Errorf("len(Page(%d)) = %d, want 92 + 2×len(%q) = %d", code, got, status, want)
		}
	}
}

// TestPageUnknownCode keeps pages well formed for codes outside the table (fixed-response codes
// passed by mistake) instead of sending an empty body.
func TestPageUnknownCode(t *testing.T) {
	t.Parallel()
	if Page(418) != "" || Reason(418) != "" {
		t.Fatalf("418 is not an ALB-generated status, want no entry")
	}
	if got, want := page(418), renderPage("418 I'm a teapot"); got != want {
		t.Errorf("page(418) = %q, want %q", got, want)
	}
}
