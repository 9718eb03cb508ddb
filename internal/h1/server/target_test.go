package server

import (
	"net/url"
	"reflect"
	"testing"
)

// originFormCases are targets on both sides of originForm's line: those it parses must come
// out as url.ParseRequestURI's, the others must be left to it.
var originFormCases = []struct {
	target string
	parsed bool
}{
	{"/", true},
	{"/api/items", true},
	{"/api/items?id=7&b=%20x", true},
	{"/a?", true},
	{"/a??", true},
	{"/a?b?", true},
	{"//double/slash", true},
	{"/./../a", true},
	{"/a:b@c;d,e=f+g$h&i~j_k-l", true},
	{"/a?q=ü", true},
	{"", false},
	{"*", false},
	{"http://example.com/a", false},
	{"/a%20b", false},
	{"/a%zz", false},
	{"/a b", false},
	{"/a#frag", false},
	{"/a!b", false},
	{"/é", false},
	{"/a\x7f", false},
	{"/a?b\x01", false},
	{"/a?b\x7f", false},
	{"a/b", false},
}

func TestOriginFormAsParseRequestURI(t *testing.T) {
	for _, tc := range originFormCases {
		var u url.URL
		if got := originForm(tc.target, &u); got != tc.parsed {
			t.Errorf("originForm(%q) = %v, want %v", tc.target, got, tc.parsed)
			continue
		}
		checkOriginForm(t, tc.target)
	}
}

// FuzzOriginForm: whatever originForm parses, it parses as url.ParseRequestURI does.
func FuzzOriginForm(f *testing.F) {
	for _, tc := range originFormCases {
		f.Add(tc.target)
	}
	f.Fuzz(checkOriginForm)
}

func checkOriginForm(t *testing.T, target string) {
	var u url.URL
	if !originForm(target, &u) {
		return
	}
	want, err := url.ParseRequestURI(target)
	if err != nil {
		t.Fatalf("originForm parsed %q, which url.ParseRequestURI refuses: %v", target, err)
	}
	if !reflect.DeepEqual(&u, want) {
		t.Fatalf("originForm(%q) = %#v, url.ParseRequestURI: %#v", target, u, *want)
	}
}
