package reconcile

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/function"
)

// TestFunctionLookupIsTheTargetGroupsOne: the Invoke API gets what a Lambda target group would
// invoke; for a function Albatross cannot run that is the stand-in answering ErrInvalidRuntime
// (InvalidRuntimeException at the API, LambdaInvalidRuntimeException at the load balancer), and
// a name the configuration lacks is not found. A reload that drops the function forgets it.
func TestFunctionLookupIsTheTargetGroupsOne(t *testing.T) {
	t.Parallel()
	dp := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache")})
	ctx := context.Background()
	t.Cleanup(func() { _ = dp.Close(ctx) })
	cfg := &config.Config{Functions: []config.Function{{FunctionName: "legacy", Runtime: "dotnetcore2.1", Unavailable: "no dotnet runtime here"}}}
	if err := dp.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	inv, ok := dp.Function("legacy")
	if !ok {
		t.Fatal("the unavailable function is not found")
	}
	if _, err := inv.InvokeWith(ctx, function.Invocation{Payload: []byte("{}")}); !errors.Is(err, function.ErrInvalidRuntime) {
		t.Errorf("InvokeWith error = %v, want ErrInvalidRuntime", err)
	}
	if _, ok := dp.Function("other"); ok {
		t.Error("a function the configuration lacks was found")
	}
	if err := dp.Apply(ctx, &config.Config{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := dp.Function("legacy"); ok {
		t.Error("a function removed by a reload is still found")
	}
}
