package reconcile

import (
	"context"

	"github.com/albatross-lb/albatross/internal/function"
)

// Lookups the control API needs from the running data plane.

// functionInvoker is what the Lambda Invoke API calls (controlapi/lambda.Invoker, which is the
// same unnamed interface type), spelled out here so that reconcile need not import the control
// API.
type functionInvoker = interface {
	InvokeWith(ctx context.Context, call function.Invocation) (*function.Response, error)
}

// Function returns the function called name for the Lambda Invoke API: the same one Lambda
// target groups invoke (the running function with its warm environments, or, for a function
// Albatross cannot run, one that answers function.ErrInvalidRuntime). ok is false when the
// served configuration has no function of that name.
func (dp *DataPlane) Function(name string) (inv functionInvoker, ok bool) {
	s := dp.functions
	s.mu.Lock()
	defer s.mu.Unlock()
	if rf, ok := s.running[name]; ok {
		return rf.fn, true
	}
	if u, ok := s.unavailable[name]; ok {
		return u, true
	}
	return nil, false
}
