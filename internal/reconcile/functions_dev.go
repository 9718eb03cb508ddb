package reconcile

import (
	"context"
	"os"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/function/runtimes"
)

// debugTimeout replaces the function timeout under a debugger: a paused breakpoint must not
// end the invocation. It is Lambda's largest timeout.
const debugTimeout = 900 * time.Second

// debugSpec runs spec under its language's debugger with one environment at a time, so that
// every request reaches the process the debugger is attached to.
func debugSpec(spec *function.Spec) error {
	command, err := runtimes.DebugCommand(spec.Runtime, spec.Command)
	if err != nil {
		return err
	}
	spec.Command, spec.Reserved, spec.Provisioned, spec.Timeout = command, 1, 0, debugTimeout
	return nil
}

// codeWatch is the developer loop of f (function.CodeWatch): its code folder, and for a Go
// build the module packages it is built from, rebuilt with the build cache while the old code
// serves. Code that is not a folder (an archive) is not watched.
func (s *functionSet) codeWatch(f *config.Function, spec function.Spec) *function.CodeWatch {
	if fi, err := os.Stat(f.Code); err != nil || !fi.IsDir() {
		return nil
	}
	w := &function.CodeWatch{Dirs: func(context.Context) ([]string, error) { return []string{f.Code}, nil }}
	if f.Build != "go" {
		return w
	}
	code, debug := f.Code, f.FunctionName == s.opts.DebugFunction
	w.Dirs = func(ctx context.Context) ([]string, error) { return s.builder.SourceDirs(ctx, code) }
	w.Rebuild = func(ctx context.Context) ([]string, error) {
		bootstrap, err := s.builder.Build(ctx, code)
		if err != nil {
			return nil, err
		}
		if debug {
			return runtimes.DebugCommand(spec.Runtime, []string{bootstrap})
		}
		return []string{bootstrap}, nil
	}
	return w
}
