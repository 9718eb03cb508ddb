package auth

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// stateInput finds the sign-in form's state.
var stateInput = regexp.MustCompile(`name="state" value="([^"]+)"`)

// TestStandInUserPool: with local users Albatross shows its own sign-in page, checks the
// password, and forwards the user's claims from the configuration; wrong passwords and GET
// callbacks get 401.
func TestStandInUserPool(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) {
		o.Provider = CognitoProvider("us-east-1", "us-east-1_AbC123", "myapp", "client", "")
		o.LocalUsers = map[string]LocalUser{"ann": {Password: "pw", Subject: "ann-1", Claims: map[string]any{"email": "ann@example.com",
			"cognito:groups": []any{"admins"}}}}
	})
	res := h.serve(request("/app?x=1"))
	page, _ := io.ReadAll(res.resp.Body)
	m := stateInput.FindSubmatch(page)
	if res.resp.StatusCode != 200 || m == nil || !strings.Contains(res.resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("sign-in page: %d %s", res.resp.StatusCode, page)
	}
	binding := cookiesOf(res.resp)
	post := func(password string) result {
		form := url.Values{"state": {string(m[1])}, "username": {"ann"}, "password": {password}}
		r := httptest.NewRequest(http.MethodPost, "https://"+lbHost+CallbackPath, strings.NewReader(form.Encode()))
		r.Host = lbHost
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, c := range binding {
			r.AddCookie(c)
		}
		return h.serve(r)
	}
	if res := post("wrong"); res.resp.StatusCode != 401 || res.ex.AuthSucceeded {
		t.Errorf("wrong password: %d", res.resp.StatusCode)
	}
	res = post("pw")
	if res.resp.StatusCode != 302 || res.resp.Header.Get("Location") != "https://lb.test/app?x=1" || !res.ex.AuthSucceeded {
		t.Fatalf("sign-in: %d to %q", res.resp.StatusCode, res.resp.Header.Get("Location"))
	}
	h.serve(request("/app?x=1", cookiesOf(res.resp)...))
	_, claims := verifyData(t, h.keys.PublicKeyPEM(), h.target.header.Get("X-Amzn-Oidc-Data"))
	if h.target.header.Get("X-Amzn-Oidc-Identity") != "ann-1" || claims["email"] != "ann@example.com" || claims["username"] != "ann" ||
		claims["iss"] != "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123" {
		t.Errorf("identity %q, claims %v", h.target.header.Get("X-Amzn-Oidc-Identity"), claims)
	}
	if res := h.serve(request(CallbackPath + "?state=" + url.QueryEscape(string(m[1])))); res.resp.StatusCode != 401 {
		t.Errorf("GET callback: %d", res.resp.StatusCode)
	}
}
