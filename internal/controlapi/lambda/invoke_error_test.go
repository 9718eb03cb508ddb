package lambda

import (
	"fmt"
	"testing"

	"github.com/albatross-lb/albatross/internal/function"
)

// TestInvokeErrorThrottleReasons: a throttled Invoke is a 429 TooManyRequestsException whose
// Reason tells the function's reserved concurrency from the account's shared limit (C.4).
func TestInvokeErrorThrottleReasons(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		err    error
		reason string
	}{
		{function.ErrThrottled, "ReservedFunctionConcurrentInvocationLimitExceeded"},
		{fmt.Errorf("invoke: %w", function.ErrAccountThrottled), "ConcurrentInvocationLimitExceeded"},
	}
	for _, tc := range testCases {
		e := invokeError(tc.err)
		if e.Code != "TooManyRequestsException" || e.Status != 429 || e.Fields["Reason"] != tc.reason || e.Header.Get("Retry-After") == "" {
			t.Errorf("%v: %+v; want 429 TooManyRequestsException with Reason %s", tc.err, e, tc.reason)
		}
	}
}
