package compare

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func resp(status int, header http.Header, body string) *Response {
	rec := NewRecorder(1 << 10)
	_, _ = rec.Write([]byte(body))
	return rec.Response(status, header)
}

func TestCompare(t *testing.T) {
	t.Parallel()
	ct := func(v string) http.Header { return http.Header{"Content-Type": {v}} }
	paths, err := ParsePaths("$.id, meta.generated_at,items.*.created_at")
	if err != nil {
		t.Fatal(err)
	}
	stamps, err := ParsePatterns(`\d{4}-\d\d-\d\dT[0-9:]+Z req-[a-f0-9]+`)
	if err != nil {
		t.Fatal(err)
	}
	testCases := []struct {
		desc            string
		rules           Rules
		primary, shadow *Response
		kinds           []Kind
		diff            string // a substring of the joined diff, when kinds is not empty
	}{
		{desc: "zero rules compare the status only", primary: resp(200, ct("a"), "x"), shadow: resp(200, ct("b"), "y")},
		{desc: "status differs", primary: resp(200, nil, ""), shadow: resp(500, nil, ""), kinds: []Kind{KindStatus}, diff: "status: -200 +500"},
		{desc: "chosen header differs", rules: Rules{Headers: []string{"Content-Type"}},
			primary: resp(200, ct("application/json"), ""), shadow: resp(200, ct("text/plain"), ""),
			kinds: []Kind{KindHeader}, diff: `header Content-Type: -"application/json" +"text/plain"`},
		{desc: "chosen header missing on the shadow", rules: Rules{Headers: []string{"Etag"}},
			primary: resp(200, http.Header{"Etag": {`"1"`}}, ""), shadow: resp(200, nil, ""),
			kinds: []Kind{KindHeader}, diff: "+(absent)"},
		{desc: "headers not chosen are not compared", rules: Rules{Headers: []string{"Content-Type"}},
			primary: resp(200, http.Header{"Date": {"x"}}, ""), shadow: resp(200, http.Header{"Date": {"y"}}, "")},
		{desc: "bytes equal", rules: Rules{Body: BodyBytes}, primary: resp(200, nil, "abc"), shadow: resp(200, nil, "abc")},
		{desc: "bytes differ", rules: Rules{Body: BodyBytes}, primary: resp(200, nil, "abcdef"), shadow: resp(200, nil, "abcXef"),
			kinds: []Kind{KindBody}, diff: "first difference at byte 3"},
		{desc: "JSON equal despite key order, spacing and number form", rules: Rules{Body: BodyJSON},
			primary: resp(200, nil, `{"a":1,"b":[true,null]}`), shadow: resp(200, nil, `{ "b": [true, null], "a": 1.0 }`)},
		{desc: "JSON numbers equal in every written form", rules: Rules{Body: BodyJSON},
			primary: resp(200, nil, `[1, 1e2, 0.5, -0, 12.50, 1E+3]`), shadow: resp(200, nil, `[1.0, 100, 5e-1, 0.0, 1.25e1, 1000]`)},
		{desc: "JSON numbers differ beyond 64 bits of precision", rules: Rules{Body: BodyJSON},
			primary: resp(200, nil, `{"id":18446744073709551617}`), shadow: resp(200, nil, `{"id":18446744073709551616}`),
			kinds: []Kind{KindBody}, diff: "$.id: -18446744073709551617 +18446744073709551616"},
		{desc: "JSON numbers of huge exponents compare without expanding them", rules: Rules{Body: BodyJSON},
			primary: resp(200, nil, `[1e999999999, 1e-999999999]`), shadow: resp(200, nil, `[10e999999998, 1e-999999999]`)},
		{desc: "JSON differs in a nested value", rules: Rules{Body: BodyJSON},
			primary: resp(200, nil, `{"a":{"b":[1,2]}}`), shadow: resp(200, nil, `{"a":{"b":[1,3]}}`),
			kinds: []Kind{KindBody}, diff: "$.a.b[1]: -2 +3"},
		{desc: "JSON key missing", rules: Rules{Body: BodyJSON},
			primary: resp(200, nil, `{"a":1,"b":2}`), shadow: resp(200, nil, `{"a":1}`),
			kinds: []Kind{KindBody}, diff: "$.b: -2 +(absent)"},
		{desc: "JSON ignored paths, wildcard through an array", rules: Rules{Body: BodyJSON, IgnorePaths: paths},
			primary: resp(200, nil, `{"id":"p1","meta":{"generated_at":"t1","n":2},"items":[{"created_at":"t1","v":1}]}`),
			shadow:  resp(200, nil, `{"id":"s9","meta":{"generated_at":"t2","n":2},"items":[{"created_at":"t2","v":1}]}`)},
		{desc: "JSON ignored paths leave other differences", rules: Rules{Body: BodyJSON, IgnorePaths: paths},
			primary: resp(200, nil, `{"id":"p1","items":[{"created_at":"t1","v":1}]}`),
			shadow:  resp(200, nil, `{"id":"s9","items":[{"created_at":"t2","v":2}]}`),
			kinds:   []Kind{KindBody}, diff: "$.items[0].v: -1 +2"},
		{desc: "JSON array length differs", rules: Rules{Body: BodyJSON},
			primary: resp(200, nil, `[1,2]`), shadow: resp(200, nil, `[1]`), kinds: []Kind{KindBody}, diff: "-2 elements +1 elements"},
		{desc: "shadow body not JSON", rules: Rules{Body: BodyJSON},
			primary: resp(200, nil, `{}`), shadow: resp(200, nil, `<html>`), kinds: []Kind{KindBody}, diff: "shadow's body is not JSON"},
		{desc: "two JSON values are not one document", rules: Rules{Body: BodyJSON},
			primary: resp(200, nil, `{}`), shadow: resp(200, nil, `{} {}`), kinds: []Kind{KindBody}, diff: "more than one JSON value"},
		{desc: "text equal after ignored patterns", rules: Rules{Body: BodyText, IgnorePatterns: stamps},
			primary: resp(200, nil, "at 2026-01-02T10:00:00Z\nreq-abc1 ok"), shadow: resp(200, nil, "at 2026-12-07T09:42:10Z\nreq-99ff ok")},
		{desc: "text differs on a line", rules: Rules{Body: BodyText, IgnorePatterns: stamps},
			primary: resp(200, nil, "a\nb\nc"), shadow: resp(200, nil, "a\nB\nc"), kinds: []Kind{KindBody}, diff: `line 2: -"b" +"B"`},
		{desc: "text has more lines", rules: Rules{Body: BodyText}, primary: resp(200, nil, "a"), shadow: resp(200, nil, "a\nb"),
			kinds: []Kind{KindBody}, diff: "lines: -1 +2"},
		{desc: "body none ignores the body", rules: Rules{Body: BodyNone}, primary: resp(200, nil, "a"), shadow: resp(200, nil, "b")},
		{desc: "a generated error page is compared by status only", rules: Rules{Body: BodyBytes, Headers: []string{"Content-Type"}},
			primary: resp(502, ct("text/html"), "<html>502</html>"), shadow: &Response{Status: 502, Generated: true}},
		{desc: "several kinds at once", rules: Rules{Body: BodyBytes, Headers: []string{"Content-Type"}},
			primary: resp(200, ct("a"), "x"), shadow: resp(404, ct("b"), "y"), kinds: []Kind{KindStatus, KindHeader, KindBody}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			v := tc.rules.Compare(tc.primary, tc.shadow)
			if !slices.Equal(v.Kinds, tc.kinds) {
				t.Fatalf("kinds = %v, want %v (diff %q)", v.Kinds, tc.kinds, v.Diff)
			}
			if v.Match() != (len(tc.kinds) == 0) {
				t.Fatalf("Match() = %v", v.Match())
			}
			if got := strings.Join(v.Diff, "\n"); !strings.Contains(got, tc.diff) {
				t.Fatalf("diff %q does not contain %q", got, tc.diff)
			}
		})
	}
}

// A body larger than the capture limit is still compared exactly, by size and digest; JSON and
// text comparisons fall back to that and say so.
func TestCompareLargeBodies(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 100)
	capture := func(body string) *Response {
		rec := NewRecorder(10)
		for chunk := range slices.Values([]string{body[:50], body[50:]}) {
			_, _ = rec.Write([]byte(chunk))
		}
		return rec.Response(200, nil)
	}
	same, changed := capture(big), capture(big[:99]+"y")
	if len(same.Body) != 10 || same.Size != 100 || same.Complete() {
		t.Fatalf("recorder kept %d bytes of %d", len(same.Body), same.Size)
	}
	for _, mode := range []string{BodyBytes, BodyJSON, BodyText} {
		r := Rules{Body: mode}
		if v := r.Compare(same, capture(big)); !v.Match() {
			t.Errorf("%s: equal large bodies differ: %q", mode, v.Diff)
		}
		if v := r.Compare(same, changed); v.Match() {
			t.Errorf("%s: bodies differing after the capture limit match", mode)
		}
	}
	v := (&Rules{Body: BodyJSON}).Compare(same, changed)
	if !strings.Contains(strings.Join(v.Diff, ""), "too large for a json comparison") {
		t.Errorf("diff %q does not say why JSON was not compared", v.Diff)
	}
}

func TestDiffIsBounded(t *testing.T) {
	t.Parallel()
	a := strings.Repeat("a\n", 100)
	b := strings.Repeat("b\n", 100)
	v := (&Rules{Body: BodyText}).Compare(resp(200, nil, a), resp(200, nil, b))
	if len(v.Diff) != maxDiffLines || v.Diff[maxDiffLines-1] != "…" {
		t.Fatalf("diff has %d lines, last %q", len(v.Diff), v.Diff[len(v.Diff)-1])
	}
}

func TestParsePaths(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, in string
		want     []Path
		err      bool
	}{
		{desc: "empty", in: ""},
		{desc: "dollar prefix and spaces", in: " $.a.b , c", want: []Path{{"a", "b"}, {"c"}}},
		{desc: "wildcard and index", in: "items.*.id,items.0", want: []Path{{"items", "*", "id"}, {"items", "0"}}},
		{desc: "empty part", in: "a..b", err: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePaths(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v", err)
			}
			if !slices.EqualFunc(got, tc.want, func(a, b Path) bool { return slices.Equal(a, b) }) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParsePatterns(t *testing.T) {
	t.Parallel()
	got, err := ParsePatterns(`a+  \d{2}`)
	if err != nil || len(got) != 2 || !got[1].MatchString("12") {
		t.Fatalf("got %v, %v", got, err)
	}
	if _, err := ParsePatterns(`(`); err == nil {
		t.Fatal("a bad pattern was accepted")
	}
}

func FuzzParsePaths(f *testing.F) {
	f.Add("a.b,*.c")
	f.Fuzz(func(t *testing.T, s string) {
		paths, err := ParsePaths(s)
		if err != nil {
			return
		}
		for _, p := range paths {
			if len(p) == 0 || slices.Contains(p, "") {
				t.Fatalf("%q gave an empty part: %v", s, p)
			}
		}
	})
}

func FuzzCompareJSON(f *testing.F) {
	f.Add(`{"a":[1,{"b":2}]}`, `{"a":[1,{"b":3}]}`, "a.*.b")
	f.Fuzz(func(t *testing.T, a, b, paths string) {
		p, err := ParsePaths(paths)
		if err != nil {
			return
		}
		r := Rules{Body: BodyJSON, IgnorePaths: p}
		if v := r.Compare(resp(200, nil, a), resp(200, nil, a)); !v.Match() {
			t.Fatalf("a body differs from itself: %q", v.Diff)
		}
		_ = r.Compare(resp(200, nil, a), resp(200, nil, b))
	})
}

// A diff stops growing once it has more lines than a verdict keeps: two bodies that
// differ on every line (or JSON objects that differ in every key) must not make hundreds of
// thousands of lines on the shadow's goroutine only for all but twelve to be dropped.
func TestDiffsAreBoundedAsTheyAreMade(t *testing.T) {
	t.Parallel()
	a, b := strings.Repeat("a\n", 1<<14), strings.Repeat("b\n", 1<<14)
	if n := len(diffText([]byte(a), []byte(b))); n > maxDiffLines+1 {
		t.Errorf("text diff made %d lines; want at most %d", n, maxDiffLines+1)
	}
	var ja, jb strings.Builder
	ja.WriteString("{")
	for i := range 1000 {
		if i > 0 {
			ja.WriteString(",")
		}
		fmt.Fprintf(&ja, `"k%d":%d`, i, i)
	}
	ja.WriteString("}")
	jb.WriteString(`{"other":1}`)
	if n := len(diffJSON([]byte(ja.String()), []byte(jb.String()), nil)); n > maxDiffLines+1 {
		t.Errorf("JSON diff made %d lines; want at most %d", n, maxDiffLines+1)
	}
}
