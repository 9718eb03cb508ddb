// Package action carries out what a rule decided: forward to (weighted) target groups, redirect,
// or answer with a fixed response (§3).
package action

import "net/http"

// Handler serves a request. It returns an *elberr.Error, having written nothing, when the load
// balancer must answer with its own error page; it never returns an error after writing.
type Handler interface {
	ServeHTTP(w http.ResponseWriter, r *http.Request) error
}

// TargetGroup is a forward destination: an instance/ip group or a Lambda target.
type TargetGroup interface {
	Handler
	// TargetGroupARN identifies the group; stickiness cookies are bound to it.
	TargetGroupARN() string
}

// Names of actions in the access log's actions_executed (ACT-03).
const (
	NameForward       = "forward"
	NameRedirect      = "redirect"
	NameFixedResponse = "fixed-response"
)
