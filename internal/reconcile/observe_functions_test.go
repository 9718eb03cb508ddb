package reconcile

import (
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/function"
)

// TestFunctionMetrics: a function's stats map to the Lambda metric names, environments by state.
func TestFunctionMetrics(t *testing.T) {
	t.Parallel()
	st := function.Stats{Starting: 1, Idle: 2, Busy: 3, Invocations: 10, Errors: 4, Throttles: 5, Duration: 1500 * time.Millisecond}
	got := map[string]float64{}
	for _, s := range functionMetrics("api", st) {
		key := s.Name
		for _, l := range s.Labels {
			if l.Name == "state" {
				key += "/" + l.Value
			}
			if l.Name == "function_name" && l.Value != "api" {
				t.Errorf("%s labelled %q", s.Name, l.Value)
			}
		}
		got[key] = s.Value
	}
	want := map[string]float64{
		"lambda_invocations_total": 10, "lambda_errors_total": 4, "lambda_throttles_total": 5,
		"lambda_duration_seconds_total": 1.5, "lambda_concurrent_executions": 3,
		"lambda_environments/starting": 1, "lambda_environments/idle": 2, "lambda_environments/busy": 3,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}
