package targetgroup

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

type lambdaTargetFunc func(http.ResponseWriter, *http.Request) error

func (f lambdaTargetFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) error { return f(w, r) }

// TestLambdaGroup: every request goes to the one function target, whose failure is the group's.
func TestLambdaGroup(t *testing.T) {
	t.Parallel()
	failure := errors.New("function failed")
	calls := 0
	g := NewLambdaGroup("arn:fn", lambdaTargetFunc(func(http.ResponseWriter, *http.Request) error { calls++; return failure }))
	if err := g.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil)); !errors.Is(err, failure) || calls != 1 {
		t.Errorf("ServeHTTP = %v after %d calls, want the target's failure after 1", err, calls)
	}
	if g.TargetGroupARN() != "arn:fn" {
		t.Errorf("ARN %q", g.TargetGroupARN())
	}
}
