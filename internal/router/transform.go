package router

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/rule"
)

// transformSource is implemented by matchers whose rules carry transforms (*rule.Table). The
// router looks for it once, in New, so a matcher without transforms costs nothing per request.
type transformSource interface {
	Transformer(index int) *rule.Transformer
}

var _ transformSource = (*rule.Table)(nil)

// Transform status values of the access log's request_transform_status (§12.9 [amb]).
const (
	TransformSucceeded = "TransformSucceeded"
	TransformFailed    = "TransformFailed"
)

// transform runs the matched rule's transforms after routing and before the action (TRF-03):
// the Host and the request target change for the action and the target, never for rule
// matching. A match that yields an invalid host or URL is a 500 (TRF-04).
func (rt *Router) transform(r *http.Request, ex *observe.Exchange, index int) *elberr.Error {
	if rt.transforms == nil || index < 0 {
		return nil
	}
	tr := rt.transforms.Transformer(index)
	if tr == nil {
		return nil
	}
	target := requestTarget(r)
	host, newTarget, status := tr.Apply(r.Host, target)
	switch status {
	case rule.TransformNone:
		return nil
	case rule.TransformFailed:
		ex.TransformStatus = TransformFailed
		return &elberr.Error{Status: http.StatusInternalServerError, Source: elberr.SourceLoadBalancer}
	}
	ex.TransformStatus = TransformSucceeded
	if host != r.Host {
		ex.TransformedHost = host
		r.Host = host
		if r.URL.IsAbs() {
			r.URL.Host = host // HOST-01 forwards an absolute-form target's host: keep them equal
		}
	}
	if newTarget != target {
		u, err := url.ParseRequestURI(newTarget)
		if err != nil { // Apply validated it; kept as a guard against drift
			ex.TransformStatus = TransformFailed
			return &elberr.Error{Status: http.StatusInternalServerError, Source: elberr.SourceLoadBalancer, Err: err}
		}
		ex.TransformedURI = newTarget
		r.URL.Path, r.URL.RawPath, r.URL.RawQuery, r.URL.ForceQuery = u.Path, u.RawPath, u.RawQuery, u.ForceQuery
		r.RequestURI = newTarget
	}
	return nil
}

// requestTarget is the `path[?query]` a url-rewrite sees (TRF-05): the origin-form target as
// sent, or the path and query of an absolute-form target.
func requestTarget(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		if i := strings.IndexByte(r.RequestURI, '#'); i >= 0 {
			return r.RequestURI[:i]
		}
		return r.RequestURI
	}
	return r.URL.RequestURI()
}
