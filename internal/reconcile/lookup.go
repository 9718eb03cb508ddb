package reconcile

import "github.com/albatross-lb/albatross/internal/function"

// Lookups the control API needs from the running data plane.

// Function returns the running function called name, for the Lambda Invoke API. It is the same
// function (and pool of warm environments) that Lambda target groups invoke. ok is false when no
// function of that name is running.
func (dp *DataPlane) Function(name string) (inv function.Invoker, ok bool) {
	s := dp.functions
	s.mu.Lock()
	defer s.mu.Unlock()
	rf, ok := s.running[name]
	if !ok {
		return nil, false
	}
	return rf.fn, true
}
