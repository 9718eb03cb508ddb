package lambdatarget

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/function"
)

// failingBuild is a function whose latest rebuild failed and whose old code errs.
type failingBuild struct {
	fakeInvoker
	buildErr error
}

func (f *failingBuild) BuildError() error { return f.buildErr }

// TestStrictExplainsFailedBuild: in strict mode a 502 of a function whose latest build failed
// says so, with the compiler's message; outside strict mode the answer stays ALB's.
func TestStrictExplainsFailedBuild(t *testing.T) {
	t.Parallel()
	compile := errors.New("build /code: exit status 1\n./msg/msg.go:3:34: syntax error: unexpected newline")
	for _, strict := range []bool{true, false} {
		inv := &failingBuild{buildErr: compile}
		inv.resp = &function.Response{Payload: []byte(`{"errorMessage":"boom"}`), FunctionError: "Unhandled", RequestID: "req-1"}
		res := serve(t, Options{Invoker: inv, Strict: strict, TargetGroupARN: testARN}, httptest.NewRequest("GET", "/", nil))
		if res.err == nil || res.err.Status != 502 {
			t.Fatalf("strict %v: %+v, want a 502", strict, res.err)
		}
		has := strings.Contains(res.err.Detail, "msg.go:3:34: syntax error")
		if has != strict || strings.ContainsAny(res.err.Detail, "\n\r") {
			t.Errorf("strict %v: detail %q", strict, res.err.Detail)
		}
	}
}
