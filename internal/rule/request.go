package rule

import (
	"net/http"
	"net/netip"
	"strings"
)

// request holds, for one Match call, the subjects several rules look at, computed on first use:
// a listener with 100 host rules trims and scans the Host once, not 100 times. It lives on the
// caller's stack.
type request struct {
	r      *http.Request
	source netip.Addr

	hostDone, hostVisible bool
	host                  string

	pathDone, pathVisible, pathEscaped bool
	path                               string
}

// hostName returns HostName(r.Host) and whether it is free of control characters (RUL-13).
func (q *request) hostName() (string, bool) {
	if !q.hostDone {
		q.host = HostName(q.r.Host)
		q.hostVisible = !hasControl(q.host)
		q.hostDone = true
	}
	return q.host, q.hostVisible
}

// rawPath returns RequestPath(r), whether it is free of control characters (decoding unreserved
// escapes cannot add any) and whether it holds percent-escapes.
func (q *request) rawPath() (path string, visible, escaped bool) {
	if !q.pathDone {
		q.path = RequestPath(q.r)
		q.pathVisible = !hasControl(q.path)
		q.pathEscaped = strings.IndexByte(q.path, '%') >= 0
		q.pathDone = true
	}
	return q.path, q.pathVisible, q.pathEscaped
}
