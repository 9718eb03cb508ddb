package lambdatarget

import (
	"net/http"
	"strings"
)

// HealthCheckUserAgent is the only header of a health-check event (HC-02, HC-03): functions
// recognise health checks by it.
const HealthCheckUserAgent = "ELB-HealthChecker/2.0"

// HealthCheckEvent returns the event of a Lambda health check (HC-03). path is the target
// group's HealthCheckPath ("" means "/"); a "?query" part becomes the query parameters (§12.16).
// With multiValue the event uses the multi-value fields, like every other event of that target
// group (§12.16). The only header is user-agent: no host, X-Forwarded-* or trace header (§12.26).
func HealthCheckEvent(targetGroupARN string, path string, multiValue bool) []byte {
	if path == "" {
		path = "/"
	}
	path, query, _ := strings.Cut(path, "?")
	ev := event{
		TargetGroupARN: targetGroupARN,
		Method:         http.MethodGet,
		Path:           path,
		RawQuery:       query,
		Header:         http.Header{"User-Agent": {HealthCheckUserAgent}},
		MultiValue:     multiValue,
	}
	out, err := ev.appendJSON(make([]byte, 0, 256+len(targetGroupARN)+len(path)+len(query)))
	if err != nil {
		// Only text that is not UTF-8 fails; configuration validation refuses such paths and
		// ARNs, so fall back to the documented default rather than fail the check.
		ev.TargetGroupARN = strings.ToValidUTF8(targetGroupARN, "\uFFFD")
		ev.Path, ev.RawQuery = "/", ""
		out, _ = ev.appendJSON(nil)
	}
	return out
}

// HealthCheckResult judges a health-check invocation's result payload with the same rules as a
// normal response (§5.3): it returns the function's statusCode, for the health checker to match
// against the target group's Matcher (HC-03), or an *elberr.Error when the payload is one the
// ALB would reject (the check then fails like a malformed response, Target.FailedHealthChecks).
// A function error (Response.FunctionError set) is a failed check and is not passed here.
func HealthCheckResult(payload []byte) (status int, err error) {
	// The header field in use does not matter for a health check: parse in single-value mode,
	// which still type-checks both fields.
	resp, rejected := parseResponse(payload, false, false)
	if rejected != nil {
		return 0, rejected
	}
	return resp.status, nil
}
