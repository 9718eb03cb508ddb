package dashboard

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

//go:embed login.html
var loginPage []byte

// SessionCookie is the name of the dashboard's session cookie.
const SessionCookie = "albatross_session"

// DefaultSessionTTL is how long a dashboard login lasts.
const DefaultSessionTTL = time.Hour

// maxLoginBody bounds the login form; two short fields.
const maxLoginBody = 8 << 10

// Sessions is the dashboard's login for a server whose API needs credentials: the operator
// exchanges the API's access key ID and secret once for a short-lived session cookie (HttpOnly,
// so page scripts cannot read it; SameSite=Strict, so no other site's page sends it). A cookie
// is the expiry time sealed with an HMAC under a key drawn at start, so a restart signs everyone
// out and nothing is stored per session.
type Sessions struct {
	check func(id, secret string) bool
	key   []byte
	// TTL is a session's lifetime; 0 means DefaultSessionTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// NewSessions returns sessions whose login accepts the credentials check approves.
func NewSessions(check func(id, secret string) bool) *Sessions {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &Sessions{check: check, key: key}
}

// Require serves next only to a request carrying a valid session cookie. Others are sent to the
// login page (a 303 for the page, a 401 for the data it polls, so the page can tell).
func (s *Sessions) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Valid(r) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		if strings.HasSuffix(r.URL.Path, ".json") {
			http.Error(w, "sign in at /dashboard/login", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, "/dashboard/login", http.StatusSeeOther)
	})
}

// Valid reports whether r carries an unexpired session cookie sealed by s.
func (s *Sessions) Valid(r *http.Request) bool {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return false
	}
	expiry, mac, ok := ParseSessionValue(c.Value)
	return ok && hmac.Equal(mac, s.seal(expiry)) && s.now().Unix() < expiry
}

// Login serves the login form (GET) and exchanges credentials for a session cookie (POST).
func (s *Sessions) Login() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			writeLogin(w, http.StatusOK, "")
		case http.MethodPost:
			r.Body = http.MaxBytesReader(w, r.Body, maxLoginBody)
			if err := r.ParseForm(); err != nil {
				http.Error(w, "malformed login form", http.StatusBadRequest)
				return
			}
			if !s.check(r.PostForm.Get("access_key_id"), r.PostForm.Get("secret_access_key")) {
				writeLogin(w, http.StatusForbidden, "Those are not this server's credentials.")
				return
			}
			http.SetCookie(w, s.cookie(r))
			http.Redirect(w, r, "/dashboard/", http.StatusSeeOther)
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

func (s *Sessions) cookie(r *http.Request) *http.Cookie {
	ttl := s.TTL
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	expiry := s.now().Add(ttl).Unix()
	return &http.Cookie{Name: SessionCookie, Value: strconv.FormatInt(expiry, 10) + "." + hex.EncodeToString(s.seal(expiry)),
		Path: "/dashboard/", MaxAge: int(ttl / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil}
}

// seal is the MAC of an expiry time, labelled so that no other use of the key can yield it.
func (s *Sessions) seal(expiry int64) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("albatross dashboard session\x00" + strconv.FormatInt(expiry, 10)))
	return m.Sum(nil)
}

func (s *Sessions) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ParseSessionValue splits a session cookie value "<unix expiry>.<hex HMAC-SHA256>", the expiry in
// decimal without leading zeros; ok is false for anything else.
func ParseSessionValue(v string) (expiry int64, mac []byte, ok bool) {
	exp, sum, found := strings.Cut(v, ".")
	if !found || len(exp) == 0 || len(exp) > 19 || (exp[0] == '0' && len(exp) > 1) || len(sum) != 2*sha256.Size {
		return 0, nil, false
	}
	for _, c := range exp {
		if c < '0' || c > '9' {
			return 0, nil, false
		}
	}
	expiry, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return 0, nil, false
	}
	mac, err = hex.DecodeString(sum)
	if err != nil {
		return 0, nil, false
	}
	return expiry, mac, true
}

func writeLogin(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	page := loginPage
	if message != "" {
		// message is one of this file's constants, never request data.
		page = bytes.Replace(page, []byte("<!--MESSAGE-->"), []byte(`<p class="error">`+message+`</p>`), 1)
	}
	_, _ = w.Write(page)
}
