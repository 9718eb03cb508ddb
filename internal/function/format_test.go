package function

import (
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/process"
)

// TestReportLine checks the REPORT format and rounding (Lambda's log lines, B.5).
func TestReportLine(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc string
		rep  report
		want string
	}{{
		desc: "warm: billed rounds up to the next ms, memory rounds up to MB",
		rep:  report{requestID: "id", duration: 1234567 * time.Nanosecond, memoryMB: 128, maxMemory: 20*1024*1024 + 1},
		want: "REPORT RequestId: id\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 21 MB",
	}, {
		desc: "cold: Init Duration shown and billed",
		rep:  report{requestID: "id", duration: 10 * time.Millisecond, initDuration: 12345 * time.Microsecond, memoryMB: 128, maxMemory: 20 << 20},
		want: "REPORT RequestId: id\tDuration: 10.00 ms\tBilled Duration: 23 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\tInit Duration: 12.35 ms",
	}, {
		desc: "timeout status",
		rep:  report{requestID: "id", duration: 3 * time.Second, memoryMB: 128, status: "timeout"},
		want: "REPORT RequestId: id\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 0 MB\tStatus: timeout",
	}, {
		desc: "crash status and error type",
		rep:  report{requestID: "id", duration: time.Millisecond, memoryMB: 512, status: "error", errorType: "Runtime.ExitError"},
		want: "REPORT RequestId: id\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 512 MB\tMax Memory Used: 0 MB\tStatus: error\tError Type: Runtime.ExitError",
	}}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := tc.rep.String(); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestErrorPayloads checks the platform error documents against Lambda's wording (C.3).
func TestErrorPayloads(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc string
		got  []byte
		want string
	}{
		{"timeout", timeoutPayload("r1", 3*time.Second),
			`{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: r1 Error: Task timed out after 3.00 seconds"}`},
		{"exit status", exitPayload("r1", process.Exit{Code: 42}),
			`{"errorType":"Runtime.ExitError","errorMessage":"RequestId: r1 Error: Runtime exited with error: exit status 42"}`},
		{"killed by signal", exitPayload("r1", process.Exit{Code: -1, Signal: 9}),
			`{"errorType":"Runtime.ExitError","errorMessage":"RequestId: r1 Error: Runtime exited with error: signal: killed"}`},
		{"clean exit", exitPayload("r1", process.Exit{}),
			`{"errorType":"Runtime.ExitError","errorMessage":"RequestId: r1 Error: Runtime exited without providing a reason"}`},
		{"response too large", tooLargePayload(7000000),
			`{"errorType":"Function.ResponseSizeTooLarge","errorMessage":"Response payload size (7000000 bytes) exceeded maximum allowed payload size (6291556 bytes)."}`},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if string(tc.got) != tc.want {
				t.Errorf("got  %s\nwant %s", tc.got, tc.want)
			}
		})
	}
}

// TestSpecValidation: every problem is reported at once; defaults fill zero values.
func TestSpecValidation(t *testing.T) {
	t.Parallel()
	_, err := New(Spec{Reserved: 1, Provisioned: 2})
	for _, want := range []string{"Name is required", "Command is required", "TaskRoot is required", "Provisioned (2) exceeds"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	s, err := Spec{Name: "f", Command: []string{"x"}, TaskRoot: "/t", Reserved: -1}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if s.Timeout != DefaultTimeout || s.MemoryMB != 128 || s.poolConfig().max != DefaultUnreservedLimit ||
		s.ARN != "arn:aws:lambda:us-east-1:000000000000:function:f" || s.poolConfig().queueLength != DefaultQueueLength {
		t.Errorf("defaults = %+v", s)
	}
	if s, _ := (Spec{Name: "f", Command: []string{"x"}, TaskRoot: "/t", QueueLength: -1}).withDefaults(); s.poolConfig().queueLength != 0 {
		t.Errorf("QueueLength -1 gives queue %d, want 0", s.poolConfig().queueLength)
	}
}
