// Package router is the request pipeline of one listener: the load balancer's own checks, rule
// matching, the forwarding headers, and the action; failures become ALB error pages here and
// nowhere else.
package router

import (
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/forwarded"
	"github.com/albatross-lb/albatross/internal/h1/wire"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// Matcher finds the rule for a request: the index of the first matching rule in priority order,
// or -1 for the default rule, and how many rules were evaluated (RUL-01, RUL-04).
type Matcher interface {
	Match(r *http.Request, source netip.Addr) (index, evaluated int)
}

// Observer receives every finished exchange (access log, metrics). It must not block. ex is
// valid only until Observe returns: the router may reuse its memory for a later request, so an
// observer that keeps the record keeps ex.Clone().
type Observer interface {
	Observe(ex *observe.Exchange)
}

// Settings are the load balancer and listener attributes the pipeline applies.
type Settings struct {
	// Protocol is the listener's protocol, "HTTP" or "HTTPS".
	Protocol string
	// Port is the listener's port.
	Port int
	// DNSName is the Host given to HTTP/1.0 requests that have none (LST-05).
	DNSName string
	// XFFMode is routing.http.xff_header_processing.mode (XFF-01).
	XFFMode forwarded.Mode
	// XFFClientPort is routing.http.xff_client_port.enabled (XFF-02).
	XFFClientPort bool
	// PreserveHost is routing.http.preserve_host_header.enabled (HOST-01).
	PreserveHost bool
	// ServerHeader is routing.http.response.server.enabled: `Server: awselb/2.0` on the load
	// balancer's own responses.
	ServerHeader bool
	// DesyncMode is routing.http.desync_mitigation_mode (DSY-01, DSY-02); zero is defensive.
	DesyncMode DesyncMode
	// DropInvalidHeaders is routing.http.drop_invalid_header_fields.enabled (DSY-03): headers
	// whose names do not match [-A-Za-z0-9]+ are removed before routing. Default false.
	DropInvalidHeaders bool
	// StrictHeaderNames is H2-01's stricter header validation: true on an HTTPS listener whose
	// load balancer has routing.http2.enabled (the default), for HTTP/1.1 and HTTP/2 requests
	// alike. Header names outside [-A-Za-z0-9]+ are then removed before routing whatever
	// DropInvalidHeaders says (docs/rules.md "HTTP/2 header names"). Default false.
	StrictHeaderNames bool
	// ResponseHeaders are the routing.http.response.*.header_value listener attributes
	// (HDR-RESP-01), set on every response, replacing the target's; nil adds none.
	ResponseHeaders []ResponseHeader
	// LoadBalancer is the load balancer's resource ID, app/<name>/<id>, recorded in every
	// exchange (the access log's elb field, the metrics' load_balancer label).
	LoadBalancer string
}

// Route is a rule's priority and action.
type Route struct {
	Priority int
	Action   action.Handler
}

// Router serves one listener for one configuration revision. It is immutable and safe for
// concurrent use.
type Router struct {
	settings      Settings
	matcher       Matcher
	routes        []Route
	defaultAction action.Handler
	observer      Observer
	log           *slog.Logger
	proto         []string
	port          []string
	transforms    transformSource // nil when the matcher has no transforms
	respHeaders   []headerValue
}

// New returns the pipeline. routes[i] is the route of the rule the matcher reports as index i.
func New(s Settings, m Matcher, routes []Route, defaultAction action.Handler, obs Observer, log *slog.Logger) *Router {
	if log == nil {
		log = slog.Default()
	}
	rt := &Router{
		settings: s, matcher: m, routes: routes, defaultAction: defaultAction, observer: obs, log: log,
		proto:       []string{forwarded.Proto(strings.EqualFold(s.Protocol, "HTTPS"))},
		port:        []string{forwarded.Port(s.Port)},
		respHeaders: compileResponseHeaders(s.ResponseHeaders),
	}
	if ts, ok := m.(transformSource); ok {
		rt.transforms = ts
	}
	return rt
}

// requestState is the pipeline's memory for one request, in one piece instead of one per part:
// the exchange record, the response recorder, room for the actions executed (ACT-03: at most
// an auth action and a routing action), and the request as the pipeline passes it on: r's copy
// with a context carrying the exchange, kept here instead of in a context and a request of their
// own. It is pooled (see release): nothing that can outlive the request may point into it, which
// is why the header values the router sets are allocated apart (forwardingValues).
type requestState struct {
	ex      observe.Exchange
	ctx     observe.ExchangeContext
	req     http.Request
	rec     recorder
	actions [2]string
	body    countingBody
	wire    wireAccount
	// forwarding is allocated per request, not pooled: see forwardingValues.
	forwarding *forwardingValues
}

// forwardingValues backs the header values the router sets. They stay in the request's header
// map, which the dashboard keeps after the request (observe.RecentRequest.Header), so they are
// not part of the pooled requestState.
type forwardingValues struct{ trace, xff [1]string }

var requestStates = sync.Pool{New: func() any { return new(requestState) }}

// The request's context the router passes on adds the exchange and nothing else: the HTTP/1.1
// target client sees through it to the connection loop's cancellation (wire.SameCancellation).
var _ wire.ValueContext = (*observe.ExchangeContext)(nil)

// release returns st to the pool when nothing can still reach it: the action said it left
// nothing behind (Exchange.Settled), the response is complete (no panic went through ServeHTTP),
// and the observer has seen the exchange (observers copy what they keep: see Observer). Anything
// else leaves st to the garbage collector, as if it were never pooled.
func release(st *requestState) {
	if !st.ex.Settled {
		return
	}
	*st = requestState{}
	requestStates.Put(st)
}

// ServeHTTP runs the pipeline for one request.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st := requestStates.Get().(*requestState)
	ex := &st.ex
	*ex = observe.Exchange{
		Received:            wire.ArrivedAt(r.Context()),
		Protocol:            rt.settings.Protocol,
		ListenerPort:        rt.settings.Port,
		MatchedRulePriority: observe.NotRouted,
		ActionsExecuted:     st.actions[:0],
		LoadBalancer:        rt.settings.LoadBalancer,
		Method:              r.Method,
		RequestURI:          r.RequestURI,
		HTTPVersion:         r.Proto,
		UserAgent:           first(r.Header, "User-Agent"),
		TLS:                 r.TLS,
		Header:              r.Header,
	}
	if r.TLS != nil {
		// TLS-03: the listener keeps the handshake's certificate choice in the connection's
		// context; domain_name is "-" when the default certificate stood in for the SNI name,
		// chosen_cert_arn is "session-reused" when the session was resumed.
		sni := tlsconf.SNIResultFrom(r.Context())
		ex.SNIDefaultCert = sni.DefaultServed()
		ex.CertificateARN = sni.CertificateARN()
		if r.TLS.DidResume {
			ex.CertificateARN = observe.SessionReused
		}
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		ex.Client = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	st.ctx.Set(r.Context(), ex)
	st.req = *r.WithContext(&st.ctx) // WithContext's copy does not escape: no allocation
	r = &st.req
	if r.Body != nil && r.Body != http.NoBody {
		// received_bytes counts the body as the action reads it (§8.2 field 11).
		st.body.ReadCloser = r.Body
		r.Body = &st.body
	}
	rec := &st.rec
	rec.ResponseWriter = w
	if r.ProtoMajor == 1 {
		st.wire.start(r)
		rec.wire = &st.wire
	}
	if rec.respHeaders = rt.respHeaders; rec.respHeaders != nil {
		// Set now too: responses elberr writes on the hijacked connection never pass WriteHeader.
		rec.finalHeaders()
	}
	completed := false
	defer func() {
		if completed {
			release(st)
		}
	}()
	defer rt.finish(rec, r, ex)
	defer rt.recoverPanic(rec, r, ex)

	if err := rt.serve(st, r); err != nil {
		if clientWentIdle(&st.body) && err.Status != http.StatusRequestTimeout {
			// The action saw the consequence (a canceled context, a broken target write); the
			// cause is the client's silence mid-body: TMO-01's 408.
			err = &elberr.Error{Status: http.StatusRequestTimeout, Source: elberr.SourceClient, Err: err}
		}
		rt.fail(rec, r, ex, err)
	}
	completed = true
}

// idleReporter is the listener's request body: it reports a read that ran out of the idle
// timeout (TMO-01).
type idleReporter interface{ IdleTimedOut() bool }

func clientWentIdle(b *countingBody) bool {
	ir, ok := b.ReadCloser.(idleReporter)
	return ok && ir.IdleTimedOut()
}

func (rt *Router) serve(st *requestState, r *http.Request) *elberr.Error {
	w, ex := &st.rec, &st.ex
	if r.Host == "" {
		r.Host = rt.settings.DNSName // LST-05: only HTTP/1.0 gets here without a Host.
	}
	// Before the checks: a refused request is logged with the host it asked for (§8.2 field 13).
	ex.RequestHost = requestHost(r.Host)
	if err := rt.mitigateDesync(w, r, ex); err != nil {
		return err
	}
	if err := checkRequest(r); err != nil {
		if err.Status == http.StatusRequestURITooLong {
			// The load balancer reads no request line past LIM-01's 16 K: it is logged as one it
			// could not read, as the HTTP/1.1 connection loop logs it (RecordRefusal).
			ex.Method, ex.RequestURI, ex.HTTPVersion, ex.RequestHost = "", "", "", rt.settings.DNSName
		}
		return err
	}
	ex.InvalidHeaders = rt.invalidHeaders(r.Header) // DSY-03, H2-01: before routing
	headerBytes := forwarded.RequestHeaderBytes(r)
	ex.ReceivedBytes = int64(headerBytes)
	traceID := forwarded.TraceHeader(r.Header["X-Amzn-Trace-Id"], ex.Received, headerBytes)
	fv := new(forwardingValues)
	st.forwarding = fv
	fv.trace[0] = traceID
	r.Header["X-Amzn-Trace-Id"] = fv.trace[:]
	ex.TraceID = traceID

	xff, keep, addrs := forwarded.ForwardedFor(r.Header["X-Forwarded-For"], ex.Client, r.RemoteAddr, rt.settings.XFFMode, rt.settings.XFFClientPort)
	if addrs > forwarded.MaxForwardedFor {
		return &elberr.Error{Status: 463, Source: elberr.SourceClient}
	}

	index, evaluated := rt.matcher.Match(r, ex.Client.Addr())
	ex.Routed = time.Now()
	ex.RulesEvaluated = evaluated
	handler := rt.defaultAction
	ex.MatchedRulePriority = 0
	if index >= 0 {
		handler = rt.routes[index].Action
		ex.MatchedRulePriority = rt.routes[index].Priority
	}
	if err := rt.transform(r, ex, index); err != nil {
		return err
	}

	rt.setForwarding(st, r, xff, keep)

	if err := handler.ServeHTTP(w, r); err != nil {
		if e, ok := err.(*elberr.Error); ok {
			return e
		}
		return &elberr.Error{Status: http.StatusInternalServerError, Source: elberr.SourceLoadBalancer, Err: err}
	}
	return nil
}

// setForwarding sets the forwarding headers and Host. It runs after matching and transforms:
// rules see the request as the client sent it.
func (rt *Router) setForwarding(st *requestState, r *http.Request, xff string, keep bool) {
	if keep {
		st.forwarding.xff[0] = xff
		r.Header["X-Forwarded-For"] = st.forwarding.xff[:]
	} else {
		delete(r.Header, "X-Forwarded-For")
	}
	// LST-08: the load balancer answers 100-continue itself (net/http does, on the first body
	// read) and the expectation does not travel on.
	delete(r.Header, "Expect")
	r.Header["X-Forwarded-Proto"] = rt.proto
	r.Header["X-Forwarded-Port"] = rt.port
	r.Host = forwarded.Host(r.Host, rt.settings.Port, absoluteHost(r), rt.settings.PreserveHost)
}

// mitigateDesync classifies r (DSY-01), records the verdict for the access log, and applies
// DSY-02: a blocked request is a 400, after which elberr closes the connection; an Ambiguous
// request in defensive mode is served and then both connections are closed.
//
// A request that came through the HTTP/1.1 connection loop (internal/h1/server) was classified
// on its raw head, which sees what net/http hides (wire.Received); its verdict and the mode's
// action are taken from there.
func (rt *Router) mitigateDesync(w *recorder, r *http.Request, ex *observe.Exchange) *elberr.Error {
	if rcv := wire.ReceivedFrom(r.Context()); rcv != nil && rcv.Head != nil && r.ProtoMajor == 1 {
		return rt.mitigateReceived(w, rcv, ex)
	}
	v := classify(r)
	if v.class == Compliant {
		return nil
	}
	ex.Classification, ex.ClassificationReason = v.class.String(), v.reason
	switch rt.settings.DesyncMode.action(v.class) {
	case desyncBlock:
		return &elberr.Error{Status: http.StatusBadRequest, Source: elberr.SourceClient}
	case desyncAllowThenClose:
		ex.CloseConnections = true
		w.closeConn = true
	}
	return nil
}

// mitigateReceived applies the connection loop's verdict: the classification for the access
// log, and wire.Mode.Decide's action for the configured mode (DSY-02's matrix plus RFC 9112's
// rules on framing, see docs/engine.md).
func (rt *Router) mitigateReceived(w *recorder, rcv *wire.Received, ex *observe.Exchange) *elberr.Error {
	v := rcv.Head.Verdict
	if v.Class != wire.Compliant {
		ex.Classification, ex.ClassificationReason = v.Class.String(), v.Reason.String()
	}
	a := rcv.Actions[wire.Mode(rt.settings.DesyncMode)]
	if a.Block {
		return &elberr.Error{Status: http.StatusBadRequest, Source: elberr.SourceClient}
	}
	if a.CloseTarget {
		ex.CloseConnections = true
	}
	if a.CloseClient {
		w.closeConn = true
	}
	return nil
}

func (rt *Router) fail(w *recorder, r *http.Request, ex *observe.Exchange, err *elberr.Error) {
	if err.Reason != "" {
		ex.ErrorReason = err.Reason
	}
	if w.status != 0 {
		// Headers already went out: the status cannot change, only the connection can be cut.
		panic(http.ErrAbortHandler)
	}
	if err.Status >= 500 || err.Detail != "" {
		rt.log.LogAttrs(r.Context(), slog.LevelWarn, "load balancer error",
			slog.Int("status", err.Status), slog.String("error_reason", err.Reason),
			slog.String("trace_id", ex.TraceID), slog.String("error", err.Error()))
	}
	elberr.Write(w, r, err, rt.settings.ServerHeader)
}

func (rt *Router) finish(w *recorder, r *http.Request, ex *observe.Exchange) {
	ex.Finished = time.Now()
	ex.Status = w.status
	if ex.ReceivedBytes == 0 && ex.Method != "" {
		// Rejected before serve measured it. A line logged as not read (414) has no size: 0,
		// as ALB logs such requests (LOG-03).
		ex.ReceivedBytes = int64(forwarded.RequestHeaderBytes(r))
	}
	if b, ok := r.Body.(*countingBody); ok {
		ex.ReceivedBytes += b.n
	}
	if ex.Status == 0 && ex.Target != "" && r.Context().Err() == nil && wantsWebSocket(r.Header) {
		// ReverseProxy answers an upgrade on the hijacked connection, unseen by the recorder:
		// a tunnel that ran and ended is a 101 (type ws/wss in the access log).
		ex.Status, ex.TargetStatus = http.StatusSwitchingProtocols, http.StatusSwitchingProtocols
	}
	ex.WebSocket = ex.Status == http.StatusSwitchingProtocols
	gone := r.Context().Err() != nil && ex.Status == 0
	if gone {
		ex.Status = 460 // the client went away before an answer (§7)
	}
	ex.SentHeaderBytes, ex.BytesSent = w.sentBytes(!gone && !(ex.WebSocket && w.status == 0))
	if rt.observer != nil {
		rt.observer.Observe(ex)
	}
}
