package lambdatarget

import (
	"net/http"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/function"
)

// maxBuildDetail bounds the compiler output quoted in a 502's explanation: it travels in a
// response header.
const maxBuildDetail = 2048

// buildReporter is implemented by invokers that rebuild their code when it changes
// (function.Function with the developer loop on).
type buildReporter interface {
	// BuildError is the latest failed rebuild, nil when the latest build succeeded.
	BuildError() error
}

var _ buildReporter = (*function.Function)(nil)

// explainBuild adds, in strict mode, the latest failed build of the function to the
// explanation of a 502 (docs/functions.md "The developer loop"): the previous code is still
// serving, and the developer looking at the error learns that their edit did not compile.
func (t *Target) explainBuild(e *elberr.Error) *elberr.Error {
	if !t.opts.Strict || e.Status != http.StatusBadGateway {
		return e
	}
	br, ok := t.opts.Invoker.(buildReporter)
	if !ok {
		return e
	}
	err := br.BuildError()
	if err == nil {
		return e
	}
	msg := err.Error()
	if len(msg) > maxBuildDetail {
		msg = msg[:maxBuildDetail] + "..."
	}
	detail := "the latest build failed and the previous code is serving: " + msg
	if e.Detail != "" {
		detail = e.Detail + "; " + detail
	}
	e.Detail = headerSafe(detail)
	return e
}
