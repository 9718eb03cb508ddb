package health

import (
	"context"
	"strconv"
	"strings"
)

// CodeRange is an inclusive range of accepted status codes; a single code has Lo == Hi.
type CodeRange struct{ Lo, Hi int }

// Codes is a health check's Matcher (§4.2: "200", "200,202", "200-299"), already validated.
type Codes []CodeRange

// Match reports whether status is one of the accepted codes.
func (c Codes) Match(status int) bool {
	for _, r := range c {
		if status >= r.Lo && status <= r.Hi {
			return true
		}
	}
	return false
}

// String renders the codes as the matcher text, e.g. "200,202-204".
func (c Codes) String() string {
	var b strings.Builder
	for i, r := range c {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(r.Lo))
		if r.Hi != r.Lo {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(r.Hi))
		}
	}
	return b.String()
}

// mismatch is the result of a check answered with a status outside the matcher, worded as
// DescribeTargetHealth words it (HC-04).
func mismatch(status int) Result {
	return Result{Reason: ReasonResponseCodeMismatch, Answered: true, Status: status,
		Description: "Health checks failed with these codes: [" + strconv.Itoa(status) + "]"}
}

var (
	timedOut = Result{Reason: ReasonTimeout, Description: "Request timed out"}
	failed   = Result{Reason: ReasonFailedHealthChecks, Description: "Health checks failed"}
)

// Results for probers outside this package (the Lambda target's): a check that ran out of time
// (Target.Timeout), one that failed for no more specific reason (Target.FailedHealthChecks), and
// one answered with a status the matcher does not take (Target.ResponseCodeMismatch).
var (
	TimedOut = timedOut
	Failed   = failed
)

// Mismatch is the result of a check answered with status, outside the matcher (HC-04).
func Mismatch(status int) Result { return mismatch(status) }

// passed is the result of a check answered with a status the matcher takes.
func passed(status int) Result { return Result{OK: true, Answered: true, Status: status} }

// Passed is passed for probers outside this package (the Lambda target's).
func Passed(status int) Result { return passed(status) }

// IsTimeout reports whether a check's error means it ran out of time.
func IsTimeout(ctx context.Context, err error) bool { return isTimeout(ctx, err) }
