package action

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// maxRedirectURL is RDR-05's limit: longer Locations are not sent (507).
const maxRedirectURL = 8 << 10

// Redirect answers with a 301 or 302 whose Location is built from the configured components and
// the request's values (RDR-01..05). Unset components keep the request's value.
type Redirect struct {
	protocol, port, host, path, query string
	status                            int
	serverHeader                      bool
}

// RedirectConfig holds the configured components; empty means "keep the original", except Query,
// which is nil for "keep" and may be "" to drop the query.
type RedirectConfig struct {
	Protocol, Port, Host, Path string
	Query                      *string
	// Permanent selects 301; otherwise 302.
	Permanent bool
}

// NewRedirect returns the action.
func NewRedirect(c RedirectConfig, serverHeader bool) *Redirect {
	rd := &Redirect{
		protocol: or(c.Protocol, "#{protocol}"), port: or(c.Port, "#{port}"),
		host: or(c.Host, "#{host}"), path: or(c.Path, "/#{path}"), query: "#{query}",
		status: http.StatusFound, serverHeader: serverHeader,
	}
	if c.Query != nil {
		rd.query = *c.Query
	}
	if c.Permanent {
		rd.status = http.StatusMovedPermanently
	}
	return rd
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Origin is what the placeholders expand to for one request.
type Origin struct {
	// Protocol is "HTTP" or "HTTPS" (the listener's protocol).
	Protocol string
	// Host is the request's host without port.
	Host string
	// Port is the listener port.
	Port int
	// Path is the request path as received, with its leading slash.
	Path string
	// RawQuery is the query as received, without "?".
	RawQuery string
}

// Location returns the redirect target for origin (RDR-02, RDR-04): the port is always explicit
// and the scheme and host are lowercase.
func (rd *Redirect) Location(o Origin) string {
	var placeholders *strings.Replacer // built on first use, shared by the five components
	expand := func(s string) string {
		if !strings.Contains(s, "#{") {
			return s
		}
		if placeholders == nil {
			placeholders = strings.NewReplacer(
				"#{protocol}", strings.ToLower(o.Protocol),
				"#{host}", strings.ToLower(o.Host),
				"#{port}", strconv.Itoa(o.Port),
				"#{path}", strings.TrimPrefix(o.Path, "/"),
				"#{query}", o.RawQuery,
			)
		}
		return placeholders.Replace(s)
	}
	var b strings.Builder
	b.WriteString(strings.ToLower(expand(rd.protocol)))
	b.WriteString("://")
	b.WriteString(strings.ToLower(expand(rd.host)))
	b.WriteByte(':')
	b.WriteString(expand(rd.port))
	b.WriteString(expand(rd.path))
	if q := expand(rd.query); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String()
}

// ServeHTTP answers with the redirect. The origin comes from the exchange's request and the
// listener, which the router records in the request context.
func (rd *Redirect) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	ex := observe.ExchangeFrom(r.Context())
	loc := rd.Location(OriginOf(r))
	if len(loc) > maxRedirectURL {
		return &elberr.Error{Status: http.StatusInsufficientStorage, Source: elberr.SourceLoadBalancer}
	}
	ex.ActionsExecuted = append(ex.ActionsExecuted, NameRedirect)
	ex.RedirectURL = loc
	elberr.WriteRedirect(w, r, rd.status, loc, rd.serverHeader)
	ex.Settled = true
	return nil
}

// OriginOf returns the redirect origin of r: the listener's protocol and port and the original
// host, recorded by the router, and the path and query as received.
func OriginOf(r *http.Request) Origin {
	ex := observe.ExchangeFrom(r.Context())
	return Origin{
		Protocol: ex.Protocol,
		Host:     ex.RequestHost,
		Port:     ex.ListenerPort,
		Path:     r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery,
	}
}
