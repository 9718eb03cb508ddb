// Package lambdatarget is the ALB ⇄ Lambda contract (§5 in docs/spec.md): it turns one HTTP
// request into the JSON event an ALB sends to a Lambda function, invokes the function, and turns
// the function's JSON answer into the HTTP response — or into the error an ALB would answer with.
package lambdatarget

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/observe"
)

// Options configures a Target. The zero value of each field is a valid default.
type Options struct {
	// TargetGroupARN goes into every event's requestContext.elb.targetGroupArn and into the
	// exchange record.
	TargetGroupARN string
	// MultiValueHeaders is the target group attribute lambda.multi_value_headers.enabled
	// (default false, LAM-41): it selects the multi-value fields of events and responses.
	MultiValueHeaders bool
	// Strict is albatross.lambda.strict: when a response is one AWS would reject, the error's
	// Detail (sent to the client in X-Albatross-Error) says why, and the rejection and any
	// likely bug in accepted responses are logged with the request ID. Default false: responses
	// stay byte-for-byte ALB's.
	Strict bool
	// FunctionARN is the ARN the target is registered with, qualifier included, sent to the
	// function as the invoked ARN (LAM-04). "" leaves the function's own ARN.
	FunctionARN string
	// Invoker runs the function. Nil means no function is registered: every request gets 503
	// (HC-06).
	Invoker Invoker
	// Logger receives strict-mode diagnostics. Nil discards them.
	Logger *slog.Logger
}

// Invoker runs a function synchronously (*function.Function does). The Lambda target and its
// health check need nothing else of the function machinery.
type Invoker interface {
	InvokeWith(ctx context.Context, call function.Invocation) (*function.Response, error)
}

// Target serves requests routed to a Lambda target group by invoking its function. It is safe
// for concurrent use.
type Target struct {
	opts Options
	log  *slog.Logger
}

// New returns a Target for o.
func New(o Options) *Target {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Target{opts: o, log: log}
}

// ServeHTTP answers r through the function. It either writes the whole response and returns
// nil, or writes nothing and returns an *elberr.Error for the caller (the listener) to answer
// with ALB's error page; it never returns an error after writing. It blocks until the function
// answers: no idle timeout applies to the wait (§12.21), only r's context and the function's own
// timeout.
func (t *Target) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	ex := observe.ExchangeFrom(r.Context())
	ex.TargetGroupARN = t.opts.TargetGroupARN
	resp, err := t.serveRecovered(r, ex)
	if err != nil {
		ex.ErrorReason = err.Reason
		if err.Err != nil {
			ex.ErrorDetail = headerSafe(err.Err.Error())
		}
		return t.explainBuild(err)
	}
	ex.TargetStatus = resp.status
	writeResponse(w, r, resp)
	return nil
}

func (t *Target) serve(r *http.Request, ex *observe.Exchange) (*response, *elberr.Error) {
	if t.opts.Invoker == nil {
		return nil, &elberr.Error{Status: http.StatusServiceUnavailable, Source: elberr.SourceLoadBalancer,
			Err: errors.New("no function registered in the target group")}
	}
	if isWebSocketUpgrade(r.Header) {
		return nil, userError(http.StatusBadRequest, ReasonWebsocketNotSupported,
			errors.New("WebSocket upgrade requested to a Lambda target"))
	}
	payload, err := t.Event(r)
	if err != nil {
		return nil, asELBError(err)
	}
	ex.LambdaEvent = payload
	ex.TargetSent = time.Now()
	out, invokeErr := t.opts.Invoker.InvokeWith(r.Context(), function.Invocation{
		Payload:            payload,
		TraceID:            xrayTraceHeader(ex.TraceID),
		InvokedFunctionARN: t.opts.FunctionARN,
	})
	ex.TargetResponded = time.Now()
	if invokeErr != nil {
		return nil, invokeError(r.Context(), invokeErr)
	}
	if out == nil {
		return nil, internalError(http.StatusBadGateway, ReasonUnhandledException, errors.New("invoker returned no response"))
	}
	ex.LambdaResponse = out.Payload
	if out.FunctionError != "" {
		return nil, functionError(out)
	}
	resp, rejected := parseResponse(out.Payload, t.opts.MultiValueHeaders, t.opts.Strict)
	if rejected != nil {
		return nil, t.rejected(r.Context(), out.RequestID, rejected)
	}
	resp.warnLength(r)
	for _, warning := range resp.warnings { // collected in strict mode only
		t.log.WarnContext(r.Context(), "lambda response accepted but suspicious",
			"request_id", out.RequestID, "target_group_arn", t.opts.TargetGroupARN, "warning", warning)
	}
	return resp, nil
}

// rejected finishes a response the ALB would refuse: strict mode says why, to the client and in
// the log, with the function's request ID.
func (t *Target) rejected(ctx context.Context, requestID string, e *elberr.Error) *elberr.Error {
	if t.opts.Strict {
		e.Detail = headerSafe(e.Err.Error())
		t.log.WarnContext(ctx, "lambda response rejected", "request_id", requestID,
			"target_group_arn", t.opts.TargetGroupARN, "error_reason", e.Reason, "detail", e.Detail)
	}
	e.Err = &requestError{requestID: requestID, err: e.Err}
	return e
}

// headerSafe replaces control characters (a detail may quote raw JSON with line breaks) so that
// the detail can travel in a response header.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// requestError ties a rejection to the function invocation that produced it.
type requestError struct {
	requestID string
	err       error
}

func (e *requestError) Error() string {
	return "function request " + e.requestID + ": " + e.err.Error()
}
func (e *requestError) Unwrap() error { return e.err }

// Event reads r's body and returns the JSON event the ALB would send for r (§5.2). It fails with
// an *elberr.Error: 413 for a body over MaxRequestBody (LAM-03), 400 LambdaBadRequest for text
// that is not valid UTF-8 (LAM-13, §12 item 4), 400 for a body the client did not finish.
func (t *Target) Event(r *http.Request) ([]byte, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	ev := event{
		TargetGroupARN: t.opts.TargetGroupARN,
		Method:         r.Method,
		Path:           requestPath(r),
		RawQuery:       r.URL.RawQuery,
		Host:           r.Host,
		Header:         r.Header,
		Body:           body,
		MultiValue:     t.opts.MultiValueHeaders,
	}
	out, err := ev.appendJSON(make([]byte, 0, eventSizeHint(r, body)))
	if err != nil {
		return nil, userError(http.StatusBadRequest, ReasonBadRequest, err)
	}
	return out, nil
}

func asELBError(err error) *elberr.Error {
	var e *elberr.Error
	if errors.As(err, &e) {
		return e
	}
	return internalError(http.StatusBadGateway, ReasonUnhandledException, err)
}

// eventSizeHint estimates the event's size so that it is built without regrowing.
func eventSizeHint(r *http.Request, body []byte) int {
	n := 256 + len(r.RequestURI) + len(r.Host) + len(body)*4/3 + len(body)/8
	for name, values := range r.Header {
		for _, v := range values {
			n += len(name) + len(v) + 8
		}
	}
	return n
}

// isWebSocketUpgrade is WS-02/LAM-40: an Upgrade header offering websocket.
func isWebSocketUpgrade(h http.Header) bool {
	for _, v := range h["Upgrade"] {
		for token := range strings.SplitSeq(v, ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(token), "/")
			if strings.EqualFold(name, "websocket") {
				return true
			}
		}
	}
	return false
}

// writeResponse sends a validated response. Content-Length is computed (LAM-25); 204 and 304
// carry no body; HEAD gets no body, and the function's Content-Length when it sent none (head.go). No Content-Type is sniffed when the function
// sent none: the ALB adds nothing. The status line carries Go's standard reason phrase, not
// statusDescription (§12.3).
func writeResponse(w http.ResponseWriter, r *http.Request, resp *response) {
	h := w.Header()
	for name, values := range resp.header {
		h[name] = values
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // suppresses net/http's content sniffing
	}
	noBody := resp.status == http.StatusNoContent || resp.status == http.StatusNotModified
	if n := contentLength(r, resp); !noBody && n != "" {
		h["Content-Length"] = []string{n}
	}
	w.WriteHeader(resp.status)
	if !noBody && r.Method != http.MethodHead && len(resp.body) > 0 {
		_, _ = w.Write(resp.body) // a failed write means the client left; nothing to add
	}
}

// xrayTraceHeader derives the Lambda-Runtime-Trace-Id of an invocation from the request's
// X-Amzn-Trace-Id: the function's trace continues the request's Root, unsampled (the load
// balancer records no segments).
func xrayTraceHeader(amznTraceID string) string {
	for field := range strings.SplitSeq(amznTraceID, ";") {
		if strings.HasPrefix(field, "Root=") {
			return field + ";Sampled=0"
		}
	}
	return ""
}
