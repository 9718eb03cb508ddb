package controlapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
)

// Guard decides which requests reach the control API (docs/security.md, "The control API"). In
// order, it refuses:
//   - a Host that is neither the API's address, localhost, a loopback address nor a name the
//     operator allows (DNS rebinding: a page on a name the attacker resolves to 127.0.0.1 sends
//     its own name as Host);
//   - a request a browser marks as cross-site or same-site (Sec-Fetch-Site) or whose Origin is
//     not the API's own, unless the operator allows that origin;
//   - on API paths, a body over the API's limit (before anything is buffered) and a request
//     without a SigV4 Authorization header: any well-formed one when Verifier is nil, a valid
//     one for Verifier's credentials otherwise. Browsers cannot send Authorization cross-origin
//     without a preflight, which the API never grants.
//
// Browser paths (the dashboard, /healthz, /metrics) are read without a signature; the handlers
// behind them guard themselves (the dashboard's login).
type Guard struct {
	// Verifier checks signatures; nil means any well-formed SigV4 header is accepted unverified.
	Verifier *SigV4
	// Hosts decides which Host values are the API's own.
	Hosts HostPolicy
	// AllowedOrigins are origins ("https://ops.example:8443") browsers may call the API from
	// besides its own.
	AllowedOrigins []string
	// Browser reports whether a request is a browser read that needs no signature. nil means
	// none is.
	Browser func(r *http.Request) bool
	// Region is the region a signature's scope must name; nil or "" means any.
	Region func() string
	// BodyLimit returns the most body bytes the API behind path accepts; 0 means no body is
	// read before the handler runs.
	BodyLimit func(path string) int64
	// Logger receives one warning per refused request (an attack, or a client to configure);
	// nil means none.
	Logger *slog.Logger
}

// Wrap returns next behind the guard.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.Hosts.Allows(r.Host) {
			g.refuse(w, r, deny(accessDenied(r.URL.Path), "Host "+strconv.Quote(r.Host)+" is not this API's address; allow the name with --api-allow-host"))
			return
		}
		browser := g.Browser != nil && g.Browser(r)
		if reason := g.crossOrigin(r, browser); reason != "" {
			g.refuse(w, r, deny(accessDenied(r.URL.Path), reason))
			return
		}
		if browser {
			next.ServeHTTP(w, r)
			return
		}
		if e := g.limitBody(w, r); e != nil {
			g.refuse(w, r, e)
			return
		}
		if e := g.authenticate(r); e != nil {
			g.refuse(w, r, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin returns why r is refused as a cross-origin request, or "". A top-level navigation
// to a browser page (a link to the dashboard from elsewhere) is let through: it cannot read the
// answer into another origin, and refusing it only breaks bookmarks and links.
func (g *Guard) crossOrigin(r *http.Request, browser bool) string {
	origin := r.Header.Get("Origin")
	allowed := origin != "" && g.originAllowed(origin)
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "cross-site", "same-site":
		if browser && r.Header.Get("Sec-Fetch-Mode") == "navigate" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			return ""
		}
		if !allowed {
			return "cross-origin request refused (Sec-Fetch-Site: " + site + "); allow the origin with --api-allow-origin"
		}
	}
	if origin != "" && !allowed && !sameOrigin(origin, r) {
		return "cross-origin request refused (Origin: " + origin + "); allow the origin with --api-allow-origin"
	}
	return ""
}

func (g *Guard) originAllowed(origin string) bool {
	for _, o := range g.AllowedOrigins {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// sameOrigin reports whether origin is the scheme and Host r was sent to. The Host has passed
// the host check, so an origin equal to it is the API itself.
func sameOrigin(origin string, r *http.Request) bool {
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	return strings.EqualFold(origin, scheme+r.Host)
}

// limitBody refuses a declared Content-Length over the path's limit at once, and bounds what is
// read of a chunked body, so that no request makes the API buffer more than its limit.
func (g *Guard) limitBody(w http.ResponseWriter, r *http.Request) *Error {
	var limit int64
	if g.BodyLimit != nil {
		limit = g.BodyLimit(r.URL.Path)
	}
	if r.ContentLength > limit {
		return TooLarge(r.URL.Path, limit)
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
	}
	return nil
}

func (g *Guard) authenticate(r *http.Request) *Error {
	if g.Verifier == nil {
		_, e := ParseAuthorization(r.Header.Get("Authorization"))
		return e
	}
	want := Scope{Service: ServiceOf(r.URL.Path)}
	if g.Region != nil {
		want.Region = g.Region()
	}
	return g.Verifier.Verify(r, want)
}

// ServiceOf returns the SigV4 service a request to path is signed for: lambda for the Lambda
// REST API, elasticloadbalancing for the Query API at /, albatross for Albatross's own
// endpoints (e.g. /explain).
func ServiceOf(path string) string {
	switch {
	case IsRESTPath(path):
		return "lambda"
	case path == "/":
		return "elasticloadbalancing"
	}
	return "albatross"
}

func accessDenied(path string) string {
	if IsRESTPath(path) {
		return "AccessDeniedException"
	}
	return "AccessDenied"
}

// TooLarge is the 413 for a body over limit bytes sent to path, in its API's code.
func TooLarge(path string, limit int64) *Error {
	code := "RequestEntityTooLarge"
	if IsRESTPath(path) {
		code = "RequestTooLargeException"
	}
	return &Error{Code: code, Status: http.StatusRequestEntityTooLarge,
		Message: "Request must be at most " + strconv.FormatInt(limit, 10) + " bytes"}
}

// BodyError returns the 413 for a read that failed because the body passed a limit set with
// http.MaxBytesReader, and nil for any other error.
func BodyError(r *http.Request, err error) *Error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return TooLarge(r.URL.Path, tooLarge.Limit)
	}
	return nil
}

// refuse writes e in the error shape of the API called: REST-JSON for the Lambda paths, the
// Query protocol's XML for / and text elsewhere (the dashboard, /explain).
func (g *Guard) refuse(w http.ResponseWriter, r *http.Request, e *Error) {
	if g.Logger != nil {
		g.Logger.Warn("api request refused", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr,
			"origin", r.Header.Get("Origin"), "code", e.Code, "reason", e.Message)
	}
	switch {
	case IsRESTPath(r.URL.Path):
		WriteJSONError(w, e)
	case r.URL.Path == "/":
		WriteQueryError(w, r, e)
	default:
		http.Error(w, e.Code+": "+e.Message, e.Status)
	}
}

// IsRESTPath reports whether path belongs to the Lambda REST API (/2015-03-31/..., /2017-10-31/...).
func IsRESTPath(path string) bool {
	return strings.HasPrefix(path, "/2015-03-31/") || strings.HasPrefix(path, "/2017-10-31/") ||
		strings.HasPrefix(path, "/2016-08-19/") || strings.HasPrefix(path, "/2019-09-30/")
}
