// Package observe holds what Albatross records about each request: the exchange record that the
// access log, metrics and traces are written from.
package observe

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"time"
)

// Exchange is everything recorded about one request as it flows through the load balancer. The
// listener creates it; rule matching, actions and targets fill in their parts. It is owned by the
// request's goroutine and is not safe for concurrent use.
type Exchange struct {
	// Received is when the request headers were read (request_creation_time).
	Received time.Time
	// Client is the TCP peer (client:port).
	Client netip.AddrPort
	// Protocol is the listener's protocol, "HTTP" or "HTTPS".
	Protocol string
	// ListenerPort is the port the client connected to.
	ListenerPort int
	// RequestHost is the host the client asked for, lowercased and without port, before any
	// forwarding rewrite (redirects expand #{host} to it).
	RequestHost string
	// TraceID is the X-Amzn-Trace-Id value as forwarded (HDR-TRACE-06).
	TraceID string
	// MatchedRulePriority is RUL-02's value: the winning priority, 0 for the default rule, -1 for
	// an error during rule evaluation. Before routing it is NotRouted.
	MatchedRulePriority int
	// RulesEvaluated counts non-default rules evaluated (RUL-04).
	RulesEvaluated int
	// ActionsExecuted lists what ran, in order: forward, redirect, fixed-response (ACT-03).
	ActionsExecuted []string
	// TargetGroupARN is the target group chosen, or "".
	TargetGroupARN string
	// Target is the target's ip:port, "" for none or for Lambda (LAM-30).
	Target string
	// TargetStatus is the status the target or function returned, 0 for none.
	TargetStatus int
	// ErrorReason is the access log's error_reason, "" for none.
	ErrorReason string
	// RedirectURL is the Location of a redirect action.
	RedirectURL string
	// Status is the status sent to the client (elb_status_code); 460 when the client left first.
	Status int
	// BytesSent counts response body bytes written to the client.
	BytesSent int64
	// TargetSent and TargetResponded time the target call (target_processing_time).
	TargetSent, TargetResponded time.Time

	// LoadBalancer is the load balancer's resource ID, app/<name>/<id> (the access log's elb
	// field and the LoadBalancer metric dimension).
	LoadBalancer string
	// Method, RequestURI and HTTPVersion are the request line as the client sent it ("" when
	// the request line could not be read: the access log then shows
	// "- scheme://<RequestHost>:port- -", RequestHost being the load balancer's DNS name, LOG-03).
	Method, RequestURI, HTTPVersion string
	// UserAgent is the User-Agent header as sent.
	UserAgent string
	// TLS is the client connection's TLS state, nil on HTTP listeners.
	TLS *tls.ConnectionState
	// SNIDefaultCert reports that the handshake served the default certificate because the SNI
	// name matched none (TLS-03): the access log's domain_name is then "-" although
	// TLS.ServerName holds the name. False when the SNI name selected a certificate, when the
	// session was resumed, and on HTTP listeners.
	SNIDefaultCert bool
	// CertificateARN is chosen_cert_arn (TLS-03): the ARN of the certificate presented,
	// SessionReused when the TLS session was resumed, "" on HTTP listeners.
	CertificateARN string
	// WebSocket reports an upgrade to the WebSocket protocol (type ws or wss).
	WebSocket bool
	// ReceivedBytes is the request's size: header block and body bytes read (received_bytes).
	ReceivedBytes int64
	// SentHeaderBytes is the size of the response's status line and headers; sent_bytes is
	// SentHeaderBytes + BytesSent.
	SentHeaderBytes int64
	// Routed is when rule evaluation ended (the rule-match span of a trace); zero when the
	// request was rejected before routing.
	Routed time.Time
	// Finished is when the response was complete (the access log's time field).
	Finished time.Time
	// Classification and ClassificationReason are the desync mitigation verdict (DSY-01), ""
	// for a compliant request.
	Classification, ClassificationReason string
	// InvalidHeaders is what happened to request headers whose names are not
	// [-A-Za-z0-9]+ (DSY-03, H2-01): InvalidHeadersNone when there were none, otherwise dropped
	// or forwarded (the DroppedInvalidHeaderRequestCount and ForwardedInvalidHeaderRequestCount
	// metrics).
	InvalidHeaders InvalidHeaders
	// CloseConnections asks that both the client and the target connection be closed after
	// this exchange: desync mitigation's verdict for an Ambiguous request in defensive mode
	// (DSY-02). A target proxy should send the request with Connection: close (Request.Close).
	CloseConnections bool
	// Settled is set by an action that answered on the calling goroutine and left nothing
	// behind that still holds the request, its context or the response writer once it returned
	// (a fixed response, a redirect, the HTTP/1.1 client's exchange of a request without a
	// body). The router may then reuse the request's memory for a later request. An action
	// that is not sure leaves it false. Not logged.
	Settled bool
	// UnhealthyRouting reports a target chosen while its group failed open, every registered
	// target eligible because too few were healthy (HC-05, UnhealthyRoutingRequestCount).
	UnhealthyRouting bool
	// NonSticky reports a fresh target pick in a group with stickiness: no cookie, or one that
	// was undecodable, expired or named a target that could not take the request (STK-02,
	// NonStickyRequestCount).
	NonSticky bool
	// TransformedHost and TransformedURI are the Host and request target after the matched
	// rule's transforms (TRF-06, access log fields 31-32), "" when unchanged.
	TransformedHost, TransformedURI string
	// TransformStatus is request_transform_status (field 33): "" when no transform matched,
	// "TransformSucceeded" or "TransformFailed" (§12.9 [amb], see docs/rules.md).
	TransformStatus string
	// AuthLatency is the time spent calling the identity provider's token and userinfo
	// endpoints for this request (ELBAuthLatency), zero when none was called.
	AuthLatency time.Duration
	// AuthSucceeded reports a sign-in completed by this request: the claims were fetched and
	// the session stored (ELBAuthSuccess).
	AuthSucceeded bool
	// AuthRefreshed reports a session renewed with a refresh token (ELBAuthRefreshTokenSuccess).
	AuthRefreshed bool
	// AuthFailed and AuthErrored report a jwt-validation action that refused the request's
	// token (ELBAuthFailure) or could not check it (ELBAuthError); authenticate actions report
	// through ErrorReason instead (AUTH-04).
	AuthFailed, AuthErrored bool
	// Header is the request's header map, for the dashboard's explain of a recent request; it
	// holds the forwarding headers the load balancer added too. Read only after Observe.
	Header http.Header
	// ErrorDetail says in words why a target's answer became ErrorReason (a Lambda response
	// the ALB would reject: strict mode's explanation). It is shown on the dashboard, never
	// sent to the client by itself.
	ErrorDetail string
	// LambdaEvent and LambdaResponse are the event sent to a function and the payload it
	// answered with, nil for other targets.
	LambdaEvent, LambdaResponse []byte
}

// InvalidHeaders says whether a request carried header names outside [-A-Za-z0-9]+ and what the
// load balancer did with them (DSY-03, H2-01).
type InvalidHeaders uint8

// What happened to invalid header names; the zero value means the request had none.
const (
	InvalidHeadersNone InvalidHeaders = iota
	InvalidHeadersDropped
	InvalidHeadersForwarded
)

// SessionReused is chosen_cert_arn for a resumed TLS session, which presents no certificate
// (TLS-03).
const SessionReused = "session-reused"

// Clone returns a copy of ex that shares no memory the router reuses: what an observer keeps
// past Observe (see router.Observer). The Lambda payloads stay shared: they are not the
// router's memory.
func (ex *Exchange) Clone() *Exchange {
	c := *ex
	c.ActionsExecuted = slices.Clone(ex.ActionsExecuted)
	return &c
}

// NotRouted is MatchedRulePriority before rule evaluation ("-" in the access log).
const NotRouted = -2

type exchangeKey struct{}

// WithExchange returns a context carrying ex.
func WithExchange(ctx context.Context, ex *Exchange) context.Context {
	c := new(ExchangeContext)
	c.Set(ctx, ex)
	return c
}

// ExchangeContext is the context WithExchange returns, for a caller that keeps it in memory it
// allocates anyway (the router's per-request state): carrying the exchange then costs no
// allocation of its own.
type ExchangeContext struct {
	context.Context
	ex *Exchange
}

// Set makes c the context parent with ex.
func (c *ExchangeContext) Set(parent context.Context, ex *Exchange) {
	c.Context, c.ex = parent, ex
}

// ValueParent returns the parent: c adds a value and no cancellation of its own (the HTTP/1.1
// engine's wire.ValueContext, which lets its target client recognise the request's context
// without making its Done channel).
func (c *ExchangeContext) ValueParent() context.Context { return c.Context }

// Value returns the exchange for ExchangeFrom, and what the parent holds for any other key.
func (c *ExchangeContext) Value(key any) any {
	if _, ok := key.(exchangeKey); ok {
		return c.ex
	}
	return c.Context.Value(key)
}

// String describes the context, as context.WithValue's does.
func (c *ExchangeContext) String() string {
	return fmt.Sprintf("%v.WithExchange", c.Context)
}

// ExchangeFrom returns the request's exchange record. It never returns nil: without one it
// returns a throwaway record, so callers need no checks.
func ExchangeFrom(ctx context.Context) *Exchange {
	if ex, ok := ctx.Value(exchangeKey{}).(*Exchange); ok {
		return ex
	}
	return &Exchange{MatchedRulePriority: NotRouted}
}
