package function

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestReportLineMatchesFmt holds the REPORT line, built with strconv, to the fmt rendering it
// replaced (%.2f and %d), on durations around every rounding edge and on random ones.
func TestReportLineMatchesFmt(t *testing.T) {
	durations := []time.Duration{0, 1, 4999, 5000, 5001, 15 * time.Microsecond, 994999, 995000, 999999,
		time.Millisecond, 1234567, 3 * time.Second, 15 * time.Minute}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		durations = append(durations, time.Duration(rng.Int64N(int64(time.Minute))))
	}
	for i, d := range durations {
		r := report{requestID: "8476a536-e9f4-11e8-9739-2dfe598c3fcd", duration: d, memoryMB: 128 + i%3,
			maxMemory: int64(i) * 12345, status: []string{"", "timeout", "error"}[i%3], errorType: []string{"", "", "Runtime.ExitError"}[i%3]}
		if i%2 == 1 {
			r.initDuration = durations[len(durations)-1-i]
		}
		if got, want := r.String(), fmtReport(r); got != want {
			t.Fatalf("report %+v:\n got %q\nwant %q", r, got, want)
		}
	}
}

// fmtReport is the REPORT line as fmt rendered it before.
func fmtReport(r report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB",
		r.requestID, ms(r.duration), int64(math.Ceil(ms(r.duration)+ms(r.initDuration))), r.memoryMB,
		(r.maxMemory+(1<<20)-1)>>20)
	if r.initDuration > 0 {
		fmt.Fprintf(&b, "\tInit Duration: %.2f ms", ms(r.initDuration))
	}
	if r.status != "" {
		fmt.Fprintf(&b, "\tStatus: %s", r.status)
	}
	if r.errorType != "" {
		fmt.Fprintf(&b, "\tError Type: %s", r.errorType)
	}
	return b.String()
}
