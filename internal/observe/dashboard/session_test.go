package dashboard

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestLogin: the credentials buy a short-lived HttpOnly, SameSite=Strict cookie that opens the
// dashboard; wrong credentials, forged, tampered and expired cookies do not.
func TestLogin(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	s := NewSessions(func(id, secret string) bool { return id == "AKID" && secret == "s3cret" })
	s.Now = func() time.Time { return now }
	page := s.Require(Handler(Sources{State: func() any { return map[string]int{"n": 1} }}))
	login := s.Login()

	post := func(id, secret string) *httptest.ResponseRecorder {
		form := url.Values{"access_key_id": {id}, "secret_access_key": {secret}}
		r := httptest.NewRequest("POST", "/dashboard/login", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		login.ServeHTTP(w, r)
		return w
	}
	if w := post("AKID", "wrong"); w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
		t.Fatalf("wrong secret: %d with cookies %v; want 403 and none", w.Code, w.Result().Cookies())
	}
	w := post("AKID", "s3cret")
	cookies := w.Result().Cookies()
	if w.Code != http.StatusSeeOther || len(cookies) != 1 {
		t.Fatalf("login: %d %v; want 303 and one cookie", w.Code, cookies)
	}
	c := cookies[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/dashboard/" || c.MaxAge != int(DefaultSessionTTL/time.Second) {
		t.Errorf("cookie %+v; want HttpOnly, SameSite=Strict, Path=/dashboard/, Max-Age one hour", c)
	}

	get := func(path string, cookie *http.Cookie) int {
		r := httptest.NewRequest("GET", path, nil)
		if cookie != nil {
			r.AddCookie(cookie)
		}
		w := httptest.NewRecorder()
		page.ServeHTTP(w, r)
		return w.Code
	}

	testCases := []struct {
		desc   string
		path   string
		cookie *http.Cookie
		want   int
	}{
		{"no cookie, page", "/dashboard/", nil, http.StatusSeeOther},
		{"no cookie, data", "/dashboard/state.json", nil, http.StatusUnauthorized},
		{"session, page", "/dashboard/", c, 200},
		{"session, data", "/dashboard/state.json", c, 200},
		{"expiry pushed out, old MAC", "/dashboard/state.json", &http.Cookie{Name: SessionCookie, Value: strings.Replace(c.Value, "17", "27", 1)}, 401},
		{"forged MAC", "/dashboard/state.json", &http.Cookie{Name: SessionCookie, Value: "9999999999." + strings.Repeat("ab", 32)}, 401},
		{"garbage", "/dashboard/state.json", &http.Cookie{Name: SessionCookie, Value: "x"}, 401},
	}
	for _, tc := range testCases {
		if got := get(tc.path, tc.cookie); got != tc.want {
			t.Errorf("%s: %d; want %d", tc.desc, got, tc.want)
		}
	}
	now = now.Add(DefaultSessionTTL + time.Second)
	if got := get("/dashboard/state.json", c); got != http.StatusUnauthorized {
		t.Errorf("after the session's hour: %d; want 401", got)
	}
	other := NewSessions(func(string, string) bool { return true })
	r := httptest.NewRequest("GET", "/dashboard/", nil)
	r.AddCookie(c)
	if other.Valid(r) {
		t.Error("a cookie sealed by another process's key was accepted")
	}
}

// TestParseSessionValue: only "<digits>.<64 hex>" parses.
func TestParseSessionValue(t *testing.T) {
	t.Parallel()
	mac := strings.Repeat("0f", 32)
	testCases := []struct {
		value string
		ok    bool
	}{
		{"1700000000." + mac, true},
		{"1700000000" + mac, false},
		{"-1." + mac, false},
		{"+1." + mac, false},
		{"01700000000." + mac, false},
		{"0." + mac, true},
		{"." + mac, false},
		{"1700000000." + mac[:62], false},
		{"1700000000." + strings.Repeat("zz", 32), false},
		{"99999999999999999999." + mac, false},
		{"", false},
	}
	for _, tc := range testCases {
		if _, _, ok := ParseSessionValue(tc.value); ok != tc.ok {
			t.Errorf("ParseSessionValue(%q) ok = %v; want %v", tc.value, ok, tc.ok)
		}
	}
}
