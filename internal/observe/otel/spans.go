package otel

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
)

// OTLP span kinds (opentelemetry-proto trace.proto).
const (
	kindInternal = 1
	kindServer   = 2
	kindClient   = 3
)

// OTLP status codes.
const statusError = 2

// span is one OTLP/JSON span. Trace and span IDs are hex strings and times decimal strings, as
// the OTLP JSON encoding specifies.
type span struct {
	TraceID      string      `json:"traceId"`
	SpanID       string      `json:"spanId"`
	ParentSpanID string      `json:"parentSpanId,omitempty"`
	Name         string      `json:"name"`
	Kind         int         `json:"kind"`
	Start        string      `json:"startTimeUnixNano"`
	End          string      `json:"endTimeUnixNano"`
	Attributes   []attribute `json:"attributes,omitempty"`
	Status       *spanStatus `json:"status,omitempty"`
}

type spanStatus struct {
	Code int `json:"code"`
}

type attribute struct {
	Key   string         `json:"key"`
	Value attributeValue `json:"value"`
}

type attributeValue struct {
	String *string `json:"stringValue,omitempty"`
	Int    *string `json:"intValue,omitempty"`
	Bool   *bool   `json:"boolValue,omitempty"`
}

func str(k, v string) attribute { return attribute{Key: k, Value: attributeValue{String: &v}} }
func num(k string, v int) attribute {
	s := strconv.Itoa(v)
	return attribute{Key: k, Value: attributeValue{Int: &s}}
}
func flag(k string, v bool) attribute { return attribute{Key: k, Value: attributeValue{Bool: &v}} }

// spansOf turns an exchange into the request span and, when they happened, the rule-match and
// target-call spans beneath it, all in the trace named by the X-Amzn-Trace-Id Root (HDR-TRACE:
// X-Ray's 1-<8 hex>-<24 hex> is the 32-hex W3C trace ID without its separators).
func spansOf(ex *observe.Exchange) []span {
	trace := traceID(ex.TraceID)
	root := span{TraceID: trace, SpanID: newSpanID(), Name: requestName(ex), Kind: kindServer,
		Start: nanos(ex.Received), End: nanos(ex.Finished), Attributes: requestAttributes(ex)}
	if ex.Status >= 500 {
		root.Status = &spanStatus{Code: statusError}
	}
	out := []span{root}
	if !ex.Routed.IsZero() {
		out = append(out, span{TraceID: trace, SpanID: newSpanID(), ParentSpanID: root.SpanID, Name: "rule match",
			Kind: kindInternal, Start: nanos(ex.Received), End: nanos(ex.Routed), Attributes: []attribute{
				num("aws.elb.matched_rule_priority", ex.MatchedRulePriority), num("aws.elb.rules_evaluated", ex.RulesEvaluated)}})
	}
	if !ex.TargetSent.IsZero() {
		end := ex.TargetResponded
		if end.IsZero() {
			end = ex.Finished
		}
		call := span{TraceID: trace, SpanID: newSpanID(), ParentSpanID: root.SpanID, Name: "target", Kind: kindClient,
			Start: nanos(ex.TargetSent), End: nanos(end), Attributes: targetAttributes(ex)}
		if ex.TargetStatus == 0 || ex.TargetStatus >= 500 {
			call.Status = &spanStatus{Code: statusError}
		}
		out = append(out, call)
	}
	return out
}

func requestName(ex *observe.Exchange) string {
	if ex.Method == "" {
		return "malformed request"
	}
	return ex.Method
}

func requestAttributes(ex *observe.Exchange) []attribute {
	a := []attribute{
		str("http.request.method", ex.Method), str("url.path", ex.RequestURI), str("server.address", ex.RequestHost),
		num("server.port", ex.ListenerPort), num("http.response.status_code", ex.Status),
		str("aws.elb.load_balancer", ex.LoadBalancer), str("aws.xray.trace_id", ex.TraceID),
		str("aws.elb.actions_executed", strings.Join(ex.ActionsExecuted, ",")),
	}
	if ex.Client.IsValid() {
		a = append(a, str("client.address", ex.Client.Addr().String()))
	}
	if ex.ErrorReason != "" {
		a = append(a, str("aws.elb.error_reason", ex.ErrorReason))
	}
	return a
}

func targetAttributes(ex *observe.Exchange) []attribute {
	a := []attribute{str("aws.elb.target_group_arn", ex.TargetGroupARN), flag("aws.elb.lambda", ex.Target == "")}
	if ex.Target != "" {
		a = append(a, str("server.address", ex.Target))
	}
	if ex.TargetStatus != 0 {
		a = append(a, num("http.response.status_code", ex.TargetStatus))
	}
	return a
}

// traceID returns the 32-hex trace ID of an X-Amzn-Trace-Id value's Root, or a random one.
func traceID(header string) string {
	if _, rest, ok := strings.Cut(header, "Root=1-"); ok && len(rest) >= 33 && rest[8] == '-' {
		id := rest[:8] + rest[9:33]
		if _, err := hex.DecodeString(id); err == nil {
			return id
		}
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func newSpanID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func nanos(t time.Time) string { return strconv.FormatInt(t.UnixNano(), 10) }
