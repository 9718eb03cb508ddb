package router

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClassify covers the DSY-01 reasons the router can see after net/http's parsing.
func TestClassify(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc       string
		method     string
		protoMinor int
		uri        string
		headers    [][2]string
		te         []string
		protoMajor int
		want       Classification
		reason     string
	}{
		{desc: "DSY-01 compliant GET", method: "GET", want: Compliant},
		{desc: "DSY-01 compliant POST with a length", method: "POST", headers: [][2]string{{"Content-Length", "5"}}, want: Compliant},
		{desc: "DSY-01 GetHeadZeroContentLength", method: "GET", headers: [][2]string{{"Content-Length", "0"}}, want: Acceptable, reason: "GetHeadZeroContentLength"},
		{desc: "DSY-01 HEAD zero length", method: "HEAD", headers: [][2]string{{"Content-Length", "0"}}, want: Acceptable, reason: "GetHeadZeroContentLength"},
		{desc: "DSY-01 NonCompliantVersion HTTP/1.2", method: "GET", protoMinor: 2, want: Acceptable, reason: "NonCompliantVersion"},
		{desc: "DSY-01 NonCompliantHeader obs-text", method: "GET", headers: [][2]string{{"X-Name", "caf\xc3\xa9"}}, want: Acceptable, reason: "NonCompliantHeader"},
		{desc: "DSY-01 NonCompliantHeader control character", method: "GET", headers: [][2]string{{"X-Name", "a\x01b"}}, want: Acceptable, reason: "NonCompliantHeader"},
		{desc: "DSY-01 tab is compliant", method: "GET", headers: [][2]string{{"X-Name", "a\tb"}}, want: Compliant},
		{desc: "DSY-01 SpaceInUri", method: "GET", uri: "/a b", want: Acceptable, reason: "SpaceInUri"},
		{desc: "DSY-01 UndefinedContentLengthSemantics", method: "GET", headers: [][2]string{{"Content-Length", "5"}}, want: Ambiguous, reason: "UndefinedContentLengthSemantics"},
		{desc: "DSY-01 UndefinedTransferEncodingSemantics", method: "HEAD", te: []string{"chunked"}, want: Ambiguous, reason: "UndefinedTransferEncodingSemantics"},
		{desc: "DSY-01 SuspiciousHeader underscore", method: "POST", headers: [][2]string{{"Transfer_encoding", "chunked"}}, want: Ambiguous, reason: "SuspiciousHeader"},
		{desc: "DSY-01 SuspiciousHeader dot", method: "POST", headers: [][2]string{{"Content.length", "5"}}, want: Ambiguous, reason: "SuspiciousHeader"},
		{desc: "DSY-01 SuspiciousHeader leading dash", method: "POST", headers: [][2]string{{"-Content-Length", "5"}}, want: Ambiguous, reason: "SuspiciousHeader"},
		{desc: "DSY-01 AmbiguousUri", method: "GET", uri: "/a\x01", want: Ambiguous, reason: "AmbiguousUri"},
		{desc: "DSY-01 BadUri", method: "GET", uri: "/a\rb", want: Severe, reason: "BadUri"},
		{desc: "DSY-01 BadHeader NUL", method: "GET", headers: [][2]string{{"X-Name", "a\x00"}}, want: Severe, reason: "BadHeader"},
		{desc: "DSY-01 worst tier wins", method: "GET", protoMinor: 2, headers: [][2]string{{"Content-Length", "7"}}, want: Ambiguous, reason: "UndefinedContentLengthSemantics"},
		{desc: "DSY-01 HTTP/2 out of scope", method: "GET", protoMajor: 2, headers: [][2]string{{"Content-Length", "7"}}, want: Compliant},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tc.method, "/", nil)
			r.ProtoMajor, r.ProtoMinor = 1, 1
			if tc.protoMajor != 0 {
				r.ProtoMajor = tc.protoMajor
			}
			if tc.protoMinor != 0 {
				r.ProtoMinor = tc.protoMinor
			}
			if tc.uri != "" {
				r.RequestURI = tc.uri
			}
			for _, h := range tc.headers {
				r.Header[h[0]] = append(r.Header[h[0]], h[1])
			}
			r.TransferEncoding = tc.te
			v := classify(r)
			if v.class != tc.want || v.reason != tc.reason {
				t.Errorf("classify = %v %q, want %v %q", v.class, v.reason, tc.want, tc.reason)
			}
		})
	}
}

// TestDesyncMatrix is DSY-02's table, cell by cell.
func TestDesyncMatrix(t *testing.T) {
	t.Parallel()
	want := map[DesyncMode][4]desyncAction{
		DesyncMonitor:   {desyncAllow, desyncAllow, desyncAllow, desyncAllow},
		DesyncDefensive: {desyncAllow, desyncAllow, desyncAllowThenClose, desyncBlock},
		DesyncStrictest: {desyncAllow, desyncBlock, desyncBlock, desyncBlock},
	}
	for mode, row := range want {
		for class, act := range row {
			if got := mode.action(Classification(class)); got != act {
				t.Errorf("mode %d class %v: action %d, want %d", mode, Classification(class), got, act)
			}
		}
	}
}

func TestParseDesyncMode(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, in string
		want     DesyncMode
		err      bool
	}{
		{desc: "DSY-01 default is defensive", in: "", want: DesyncDefensive},
		{desc: "monitor", in: "monitor", want: DesyncMonitor},
		{desc: "defensive", in: "defensive", want: DesyncDefensive},
		{desc: "strictest", in: "strictest", want: DesyncStrictest},
		{desc: "unknown", in: "strict", err: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := ParseDesyncMode(tc.in)
			if got != tc.want || (err != nil) != tc.err {
				t.Errorf("ParseDesyncMode(%q) = %d, %v", tc.in, got, err)
			}
		})
	}
}

// TestDropInvalidHeaders: with DSY-03 on, names outside [-A-Za-z0-9]+ never reach rules or the
// target; off, they pass.
func TestDropInvalidHeaders(t *testing.T) {
	t.Parallel()
	for _, drop := range []bool{false, true} {
		var seen http.Header
		m := matcherFunc(func(r *http.Request, _ netip.Addr) (int, int) { seen = r.Header.Clone(); return -1, 0 })
		rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80, DropInvalidHeaders: drop}, m, nil, answer(200, "ok"))
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["X_under"] = []string{"1"}
		r.Header["X.dot"] = []string{"2"}
		r.Header["X-Fine-9"] = []string{"3"}
		rt.ServeHTTP(httptest.NewRecorder(), r)
		<-obs
		_, under := seen["X_under"]
		_, dot := seen["X.dot"]
		_, fine := seen["X-Fine-9"]
		if under == drop || dot == drop || !fine {
			t.Errorf("drop=%v: rules saw X_under %v, X.dot %v, X-Fine-9 %v", drop, under, dot, fine)
		}
	}
}
