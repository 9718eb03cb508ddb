package observe

import (
	"path"
	"strconv"
	"time"
)

// HealthCheck is one health check of one target: the facts of one health-check log entry
// (docs/observability.md, AWS's "Health check logs").
type HealthCheck struct {
	// Type is the check's kind: http, https, h2 (HTTP/2 over TLS), grpc or lambda.
	Type string
	// Start is when the check began (the entry's time); Latency how long it took.
	Start   time.Time
	Latency time.Duration
	// Target is the target's ip:port, or the function's ARN for a Lambda target.
	Target string
	// TargetGroup is the target group's name (the field AWS calls target_group_id).
	TargetGroup string
	// Pass is the check's verdict.
	Pass bool
	// Answered reports that the target gave a status: StatusCode, the HTTP status or, for grpc,
	// the grpc-status (0 is OK there). Without one the field is "-".
	Answered   bool
	StatusCode int
	// Reason is the failure's reason code (HealthCheckTimedOut...), "" (written "-") for a pass.
	Reason string
	// LoadBalancer (app/<name>/<id>) and NodeIP are the trailing elb and ip_address fields.
	LoadBalancer, NodeIP string
}

// Reason codes of failed checks in the health-check log. They differ from the API's
// TargetHealth reasons (Target.Timeout, ...), as AWS's own logs do.
const (
	HealthCheckTimedOut               = "TimedOut"
	HealthCheckConnectionReset        = "ConnectionReset"
	HealthCheckResponseCodeMismatch   = "ResponseCodeMismatch"
	HealthCheckResponseStringMismatch = "ResponseStringMismatch"
	HealthCheckInternalError          = "InternalError"
	HealthCheckTargetError            = "TargetError"
	HealthCheckGRPCStatusHeaderEmpty  = "GRPCStatusHeaderEmpty"
	HealthCheckGRPCUnexpectedStatus   = "GRPCUnexpectedStatus"
)

// AppendHealthCheckLog appends h as one health-check log entry, AWS's ten fields in order,
// space-delimited, followed by a newline:
//
//	type time latency target_addr target_group_id status status_code reason_code elb ip_address
//
// time has microseconds like the access log's; latency is seconds with nanosecond digits, as
// AWS's examples show (0.019584011). Fields with no value are "-". It does not retain b or h.
func AppendHealthCheckLog(b []byte, h *HealthCheck) []byte {
	b = append(b, dashed(h.Type)...)
	b = append(b, ' ')
	b = h.Start.UTC().AppendFormat(b, timeLayout)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, max(h.Latency, 0).Seconds(), 'f', 9, 64)
	b = appendToken(b, h.Target)
	b = appendToken(b, h.TargetGroup)
	if h.Pass {
		b = append(b, " PASS"...)
	} else {
		b = append(b, " FAIL"...)
	}
	if h.Answered {
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(h.StatusCode), 10)
	} else {
		b = append(b, " -"...)
	}
	b = appendToken(b, h.Reason)
	b = appendToken(b, h.LoadBalancer)
	b = appendToken(b, h.NodeIP)
	return append(b, '\n')
}

func dashed(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// HealthCheckKey is Key for the health-check log, whose file names begin with
// "health_check_log_" (AWS's "Health check log files").
func (l LogLocation) HealthCheckKey(end time.Time, random string) string {
	dir, file := path.Split(l.Key(end, random))
	return dir + "health_check_log_" + file
}
