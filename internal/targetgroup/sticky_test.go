package targetgroup

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// recordingForwarder answers 200, optionally setting an application cookie, and records the
// address of each request.
type recordingForwarder struct {
	addrs     []string
	setCookie string
}

func (f *recordingForwarder) Serve(w http.ResponseWriter, _ *http.Request, addr string) error {
	f.addrs = append(f.addrs, addr)
	if f.setCookie != "" {
		w.Header().Add("Set-Cookie", f.setCookie)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

var testKey = []byte("0123456789abcdef0123456789abcdef")

// send serves one request carrying cookies and returns the target address and response.
func send(t *testing.T, h *HTTPGroup, f *recordingForwarder, cookies ...*http.Cookie) (string, *http.Response) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	if err := h.ServeHTTP(w, r); err != nil {
		t.Fatal(err)
	}
	return f.addrs[len(f.addrs)-1], w.Result()
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestLBCookie: STK-02, AWSALB and AWSALBCORS carry the same value with a 7-day Expires (never
// Max-Age), refreshed on every response, and keep the client on its target.
func TestLBCookie(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := &recordingForwarder{}
		h := NewHTTPGroup(NewGroup("tg", "arn:tg", targets(3), Options{Stickiness: NewLBCookieStickiness(testKey, time.Hour)}), f)
		first, resp := send(t, h, f)
		lines := resp.Header.Values("Set-Cookie")
		expires := time.Now().Add(7 * 24 * time.Hour).UTC().Format(http.TimeFormat)
		lb, cors := cookieNamed(resp, "AWSALB"), cookieNamed(resp, "AWSALBCORS")
		if len(lines) != 2 || lb == nil || cors == nil || lb.Value != cors.Value ||
			lines[0] != "AWSALB="+lb.Value+"; Expires="+expires+"; Path=/" ||
			lines[1] != "AWSALBCORS="+lb.Value+"; Expires="+expires+"; Path=/; SameSite=None; Secure" {
			t.Fatalf("Set-Cookie %q", lines)
		}
		for range 5 {
			time.Sleep(time.Minute)
			got, resp := send(t, h, f, lb)
			if got != first {
				t.Fatalf("stuck client went to %s, want %s", got, first)
			}
			if cookieNamed(resp, "AWSALB") == nil {
				t.Fatal("cookie not refreshed")
			}
		}
		if got, _ := send(t, h, f, &http.Cookie{Name: "AWSALBCORS", Value: cors.Value}); got != first {
			t.Fatal("AWSALBCORS alone did not keep the client stuck")
		}
	})
}

// TestStickyReroute: STK-02 and §12.24, cookies that are forged, URL-encoded, expired, from
// another target group, or name a target that is unhealthy or draining, are replaced by a fresh
// pick and a new cookie.
func TestStickyReroute(t *testing.T) {
	t.Parallel()
	arn := "arn:tg"
	valid := func(addr string, exp time.Duration) string {
		return NewLBCookieStickiness(testKey, exp).sealer.Seal(targetDigest(arn, addr), time.Now().Add(exp))
	}
	testCases := []struct {
		desc   string
		value  func(ts []*Target) string
		mutate func(ts []*Target)
		stuck  bool
	}{
		{desc: "valid cookie sticks", value: func(ts []*Target) string { return valid(ts[2].Addr, time.Hour) }, stuck: true},
		{desc: "forged with another key", value: func(ts []*Target) string {
			return NewLBCookieStickiness([]byte("attacker-key-0123456789"), time.Hour).sealer.Seal(targetDigest(arn, ts[2].Addr), time.Now().Add(time.Hour))
		}},
		{desc: "URL-encoded value", value: func(ts []*Target) string {
			return strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(valid(ts[2].Addr, time.Hour))
		}},
		{desc: "garbage", value: func([]*Target) string { return "not-a-cookie" }},
		{desc: "expired", value: func(ts []*Target) string { return valid(ts[2].Addr, -time.Hour) }},
		{desc: "other target group", value: func(ts []*Target) string {
			return NewLBCookieStickiness(testKey, time.Hour).sealer.Seal(targetDigest("arn:other", ts[2].Addr), time.Now().Add(time.Hour))
		}},
		{desc: "unhealthy target", value: func(ts []*Target) string { return valid(ts[2].Addr, time.Hour) },
			mutate: func(ts []*Target) { ts[2].SetHealthy(false) }},
		{desc: "draining target", value: func(ts []*Target) string { return valid(ts[2].Addr, time.Hour) },
			mutate: func(ts []*Target) { ts[2].setStatus(statusDraining) }},
		{desc: "unhealthy target while failing open still sticks", value: func(ts []*Target) string { return valid(ts[2].Addr, time.Hour) },
			mutate: func(ts []*Target) {
				for _, t := range ts {
					t.SetHealthy(false)
				}
			}, stuck: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			ts := targets(3)
			if tc.mutate != nil {
				tc.mutate(ts)
			}
			f := &recordingForwarder{}
			h := NewHTTPGroup(NewGroup("tg", arn, ts, Options{Stickiness: NewLBCookieStickiness(testKey, time.Hour)}), f)
			c := &http.Cookie{Name: "AWSALB", Value: tc.value(ts)}
			hits := 0
			for range 6 {
				got, resp := send(t, h, f, c)
				if got == ts[2].Addr {
					hits++
				}
				if fresh := cookieNamed(resp, "AWSALB"); fresh == nil || !tc.stuck && fresh.Value == c.Value {
					t.Fatal("cookie not replaced")
				}
			}
			if stuck := hits == 6; stuck != tc.stuck {
				t.Fatalf("%d of 6 requests on the cookie's target; stuck=%v, want %v", hits, stuck, tc.stuck)
			}
		})
	}
}

// TestStickinessAcrossReload: a cookie issued by one revision keeps the client on its target in
// the next (same key, same targets from the registry, even reordered).
func TestStickinessAcrossReload(t *testing.T) {
	t.Parallel()
	reg, _ := newTestRegistry(t)
	ts := []*Target{reg.Target("tg", "127.0.0.1", 1), reg.Target("tg", "127.0.0.1", 2), reg.Target("tg", "127.0.0.1", 3)}
	for _, t := range ts {
		t.SetHealthy(true)
	}
	opts := Options{Stickiness: NewLBCookieStickiness(testKey, time.Hour)}
	f := &recordingForwarder{}
	first, resp := send(t, NewHTTPGroup(NewGroup("tg", "arn:tg", ts, opts), f), f)
	c := cookieNamed(resp, "AWSALB")
	reordered := []*Target{reg.Target("tg", "127.0.0.1", 3), reg.Target("tg", "127.0.0.1", 1), reg.Target("tg", "127.0.0.1", 2)}
	next := NewHTTPGroup(NewGroup("tg", "arn:tg", reordered, Options{Stickiness: NewLBCookieStickiness(testKey, time.Hour)}), f)
	for range 4 {
		if got, _ := send(t, next, f, c); got != first {
			t.Fatalf("after reload the client went to %s, want %s", got, first)
		}
	}
}

// TestAppCookie: STK-03, AWSALBAPP-0 is added only once the target sets the application cookie,
// which passes through untouched, and then keeps the client on its target.
func TestAppCookie(t *testing.T) {
	t.Parallel()
	f := &recordingForwarder{}
	h := NewHTTPGroup(NewGroup("tg", "arn:tg", targets(3), Options{Stickiness: NewAppCookieStickiness(testKey, "SESSION", time.Hour)}), f)
	if _, resp := send(t, h, f); len(resp.Header.Values("Set-Cookie")) != 0 {
		t.Fatalf("cookies set before the application set its own: %q", resp.Header.Values("Set-Cookie"))
	}
	f.setCookie = "SESSION=abc; Path=/; HttpOnly"
	first, resp := send(t, h, f)
	lines := resp.Header.Values("Set-Cookie")
	app := cookieNamed(resp, "AWSALBAPP-0")
	if len(lines) != 2 || lines[0] != f.setCookie || app == nil || !strings.HasPrefix(lines[1], "AWSALBAPP-0="+app.Value+"; Expires=") {
		t.Fatalf("Set-Cookie %q", lines)
	}
	f.setCookie = ""
	for range 5 {
		if got, _ := send(t, h, f, app, &http.Cookie{Name: "SESSION", Value: "abc"}); got != first {
			t.Fatalf("app-stuck client went to %s, want %s", got, first)
		}
	}
	// The lb_cookie of the same key names nothing for an app_cookie group.
	if _, resp := send(t, h, f, &http.Cookie{Name: "AWSALB", Value: app.Value}); cookieNamed(resp, "AWSALB") != nil {
		t.Fatal("app_cookie group set AWSALB")
	}
}
