package router

import (
	"net/http"

	"github.com/albatross-lb/albatross/internal/observe"
)

// invalidHeaders applies the header-name rules before routing, so that rules and targets see
// the same headers. Names outside [-A-Za-z0-9]+ are removed when
// routing.http.drop_invalid_header_fields.enabled is on (DSY-03) or when the listener applies
// HTTP/2's stricter validation (H2-01: HTTPS with routing.http2.enabled, also for HTTP/1.1
// requests); otherwise they are forwarded. The result feeds the Dropped- and
// ForwardedInvalidHeaderRequestCount metrics (§9). A request without invalid names costs one
// pass over the names and no allocation.
func (rt *Router) invalidHeaders(h http.Header) observe.InvalidHeaders {
	if !hasInvalidHeaderName(h) {
		return observe.InvalidHeadersNone
	}
	if rt.settings.DropInvalidHeaders || rt.settings.StrictHeaderNames {
		dropInvalidHeaders(h)
		return observe.InvalidHeadersDropped
	}
	return observe.InvalidHeadersForwarded
}

// hasInvalidHeaderName reports whether any name fails DSY-03's [-A-Za-z0-9]+.
func hasInvalidHeaderName(h http.Header) bool {
	for name := range h {
		if !validHeaderName(name) {
			return true
		}
	}
	return false
}
