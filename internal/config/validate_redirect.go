package config

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Redirect placeholders (RDR-02).
const (
	PlaceholderProtocol = "#{protocol}"
	PlaceholderHost     = "#{host}"
	PlaceholderPort     = "#{port}"
	PlaceholderPath     = "#{path}"
	PlaceholderQuery    = "#{query}"
)

// Redirect field limits (RDR-01).
const maxRedirectFieldLen = 128

// placeholderRe finds every #{...} in a redirect field, known or not.
var placeholderRe = regexp.MustCompile(`#\{[^}]*\}`)

// redirectPlaceholders lists, per field, the placeholders RDR-02 allows in it.
var redirectPlaceholders = map[string][]string{
	"protocol": {PlaceholderProtocol},
	"port":     {PlaceholderPort},
	"host":     {PlaceholderHost},
	"path":     {PlaceholderHost, PlaceholderPort, PlaceholderPath},
	"query":    {PlaceholderProtocol, PlaceholderHost, PlaceholderPort, PlaceholderPath, PlaceholderQuery},
}

// redirect checks a redirect config (RDR-01..03) on listener l.
func (v *validator) redirect(p string, l *Listener, r *RedirectConfig) {
	switch r.Protocol {
	case "", ProtocolHTTP, ProtocolHTTPS, PlaceholderProtocol:
	default:
		v.ps.Add(key(p, "protocol"), "must be HTTP, HTTPS or #{protocol} (RDR-01), got %q", r.Protocol)
	}
	if r.Protocol == ProtocolHTTP && l.Protocol == ProtocolHTTPS {
		v.ps.Add(key(p, "protocol"), "an HTTPS listener cannot redirect to HTTP (RDR-03)")
	}
	if r.Port != "" && r.Port != PlaceholderPort {
		if n, err := strconv.Atoi(r.Port); err != nil || n < 1 || n > 65535 || strings.HasPrefix(r.Port, "+") {
			v.ps.Add(key(p, "port"), "must be 1..65535 or #{port} (RDR-01), got %q", r.Port)
		}
	}
	if r.Host != "" {
		v.redirectField(key(p, "host"), "host", r.Host)
	}
	if r.Path != "" {
		v.redirectField(key(p, "path"), "path", r.Path)
		if !strings.HasPrefix(r.Path, "/") {
			v.ps.Add(key(p, "path"), "must start with / (RDR-01), got %q", r.Path)
		}
	}
	if r.Query != nil {
		v.redirectField(key(p, "query"), "query", *r.Query)
		if strings.HasPrefix(*r.Query, "?") {
			v.ps.Add(key(p, "query"), "must not start with ? (RDR-01)")
		}
	}
	switch r.StatusCode {
	case "HTTP_301", "HTTP_302":
	case "":
		v.ps.Add(key(p, "status_code"), "is required: HTTP_301 or HTTP_302 (RDR-01)")
	default:
		v.ps.Add(key(p, "status_code"), "must be HTTP_301 or HTTP_302 (RDR-01), got %q", r.StatusCode)
	}
	if redirectLoops(r) {
		v.ps.Add(p, "would redirect to the same URL: protocol, host, port or path must differ from the original (RDR-03)")
	}
}

// redirectField checks the length of a host, path or query value and the placeholders in it.
func (v *validator) redirectField(p, field, s string) {
	if len(s) > maxRedirectFieldLen {
		v.ps.Add(p, "must be at most 128 characters (RDR-01), got %d", len(s))
	}
	if hasControl(s) {
		v.ps.Add(p, "must not contain control characters")
	}
	allowed := redirectPlaceholders[field]
	for _, ph := range placeholderRe.FindAllString(s, -1) {
		if !slices.Contains(allowed, ph) {
			v.ps.Add(p, "placeholder %s is not allowed in %s (RDR-02: allowed %s)", ph, field, strings.Join(allowed, " "))
		}
	}
}

// redirectLoops reports whether none of protocol, host, port and path changes: each is unset or
// exactly its own placeholder (RDR-03). The query alone changing still loops on AWS.
func redirectLoops(r *RedirectConfig) bool {
	same := func(s, own string) bool { return s == "" || s == own }
	return same(r.Protocol, PlaceholderProtocol) && same(r.Host, PlaceholderHost) &&
		same(r.Port, PlaceholderPort) && same(r.Path, "/"+PlaceholderPath)
}
