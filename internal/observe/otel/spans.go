package otel

import (
	"context"
	"crypto/rand"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/albatross-lb/albatross/internal/observe"
)

// Observe records ex as a request span with, when they happened, the rule-match and target-call
// spans beneath it, all in the trace its X-Amzn-Trace-Id Root names (HDR-TRACE: X-Ray's
// 1-<8 hex>-<24 hex> is the W3C trace id). The spans go to the SDK's batch processor, which
// drops rather than blocks when its queue is full. A panic building them costs that request's
// spans, not the request. Nothing of ex is kept past the call: the spans hold copies.
func (e *Exporter) Observe(ex *observe.Exchange) {
	defer observe.Recover(e.log, "otlp_exporter")
	ctx := context.Background()
	if id, ok := observe.TraceIDHex(ex.TraceID); ok {
		if tid, err := trace.TraceIDFromHex(id); err == nil {
			ctx = context.WithValue(ctx, traceIDKey{}, tid)
		}
	}
	ctx, root := e.tracer.Start(ctx, requestName(ex), trace.WithSpanKind(trace.SpanKindServer),
		trace.WithTimestamp(ex.Received), trace.WithAttributes(requestAttributes(ex)...))
	if ex.Status >= 500 {
		root.SetStatus(codes.Error, "")
	}
	if !ex.Routed.IsZero() {
		_, rule := e.tracer.Start(ctx, "rule match", trace.WithSpanKind(trace.SpanKindInternal), trace.WithTimestamp(ex.Received),
			trace.WithAttributes(attribute.Int("aws.elb.matched_rule_priority", ex.MatchedRulePriority),
				attribute.Int("aws.elb.rules_evaluated", ex.RulesEvaluated)))
		rule.End(trace.WithTimestamp(ex.Routed))
	}
	if !ex.TargetSent.IsZero() {
		end := ex.TargetResponded
		if end.IsZero() {
			end = ex.Finished
		}
		_, call := e.tracer.Start(ctx, "target", trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(ex.TargetSent),
			trace.WithAttributes(targetAttributes(ex)...))
		if ex.TargetStatus == 0 || ex.TargetStatus >= 500 {
			call.SetStatus(codes.Error, "")
		}
		call.End(trace.WithTimestamp(end))
	}
	root.End(trace.WithTimestamp(ex.Finished))
}

func requestName(ex *observe.Exchange) string {
	if ex.Method == "" {
		return "malformed request"
	}
	return ex.Method
}

func requestAttributes(ex *observe.Exchange) []attribute.KeyValue {
	a := []attribute.KeyValue{
		attribute.String("http.request.method", ex.Method), attribute.String("url.path", ex.RequestURI),
		attribute.String("server.address", ex.RequestHost), attribute.Int("server.port", ex.ListenerPort),
		attribute.Int("http.response.status_code", ex.Status),
		attribute.String("aws.elb.load_balancer", ex.LoadBalancer), attribute.String("aws.xray.trace_id", ex.TraceID),
		attribute.String("aws.elb.actions_executed", strings.Join(ex.ActionsExecuted, ",")),
	}
	if ex.Client.IsValid() {
		a = append(a, attribute.String("client.address", ex.Client.Addr().String()))
	}
	if ex.ErrorReason != "" {
		a = append(a, attribute.String("aws.elb.error_reason", ex.ErrorReason))
	}
	return a
}

func targetAttributes(ex *observe.Exchange) []attribute.KeyValue {
	a := []attribute.KeyValue{attribute.String("aws.elb.target_group_arn", ex.TargetGroupARN), attribute.Bool("aws.elb.lambda", ex.Target == "")}
	if ex.Target != "" {
		a = append(a, attribute.String("server.address", ex.Target))
	}
	if ex.TargetStatus != 0 {
		a = append(a, attribute.Int("http.response.status_code", ex.TargetStatus))
	}
	return a
}

// traceIDKey carries the trace id of a request's X-Amzn-Trace-Id to idGenerator.
type traceIDKey struct{}

// idGenerator gives a root span the trace id its request already has (so the trace joins the
// access log's trace_id and the metrics' exemplars), and random ids otherwise.
type idGenerator struct{}

func (idGenerator) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	tid, ok := ctx.Value(traceIDKey{}).(trace.TraceID)
	if !ok || !tid.IsValid() {
		_, _ = rand.Read(tid[:])
	}
	return tid, newSpanID()
}

func (idGenerator) NewSpanID(context.Context, trace.TraceID) trace.SpanID { return newSpanID() }

func newSpanID() trace.SpanID {
	var s trace.SpanID
	for !s.IsValid() { // all zeros is invalid; with crypto/rand a formality
		_, _ = rand.Read(s[:])
	}
	return s
}
