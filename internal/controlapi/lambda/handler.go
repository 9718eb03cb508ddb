// Package lambda serves the AWS Lambda REST API subset that the aws CLI and the SDKs use against
// Albatross: Invoke (docs/spec.md Part C), function management from zip files, concurrency and
// permissions. Functions are the same records and running processes that Lambda target groups
// use.
package lambda

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/state"
)

// Functions finds the function an Invoke names: the same one Lambda target groups invoke (a
// running *function.Function, or one that answers that it cannot run). reconcile.DataPlane
// implements it.
type Functions interface {
	Function(name string) (Invoker, bool)
}

// Invoker runs one invocation with the fields the Invoke API carries (the invoked ARN, the
// client context). It is an alias of an unnamed interface type so that reconcile can return the
// same type without importing this package; *function.Function implements it.
type Invoker = interface {
	InvokeWith(ctx context.Context, call function.Invocation) (*function.Response, error)
}

// Options configure a Handler.
type Options struct {
	// Store is the desired state. Required.
	Store *state.Store
	// Functions finds the running function for Invoke. Required.
	Functions Functions
	// CodeDir is where uploaded zip files are unpacked, one directory per function and code
	// hash. Required for CreateFunction and UpdateFunctionCode.
	CodeDir string
	// SharedCode, when set, gets every uploaded zip package before the state names it, so that
	// the other nodes of a cluster can fetch it (package cluster). nil: one node.
	SharedCode interface {
		PutCode(ctx context.Context, zipped []byte) error
	}
	// Logger receives failures. nil means slog.Default().
	Logger *slog.Logger
}

// Handler serves the Lambda API under /2015-03-31/functions (and /2017-10-31/functions/{name}/
// concurrency). It is safe for concurrent use. Close waits for Event invocations.
type Handler struct {
	opts Options
	mux  *http.ServeMux

	ctx    context.Context // ends on Close; Event invocations run under it
	cancel context.CancelFunc
	events sync.WaitGroup
}

// New returns the Lambda API handler.
func New(opts Options) *Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	h := &Handler{opts: opts, mux: http.NewServeMux()}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	const fns = "/2015-03-31/functions"
	h.mux.HandleFunc("POST "+fns+"/{name}/invocations", h.invoke)
	h.mux.HandleFunc("GET "+fns, h.listFunctions)
	h.mux.HandleFunc("GET "+fns+"/{$}", h.listFunctions)
	h.mux.HandleFunc("POST "+fns, h.createFunction)
	h.mux.HandleFunc("POST "+fns+"/{$}", h.createFunction)
	h.mux.HandleFunc("GET "+fns+"/{name}", h.getFunction)
	h.mux.HandleFunc("GET "+fns+"/{name}/configuration", h.getFunctionConfiguration)
	h.mux.HandleFunc("PUT "+fns+"/{name}/configuration", h.updateFunctionConfiguration)
	h.mux.HandleFunc("PUT "+fns+"/{name}/code", h.updateFunctionCode)
	h.mux.HandleFunc("DELETE "+fns+"/{name}", h.deleteFunction)
	h.mux.HandleFunc("POST "+fns+"/{name}/policy", h.addPermission)
	h.mux.HandleFunc("PUT /2017-10-31/functions/{name}/concurrency", h.putFunctionConcurrency)
	h.mux.HandleFunc("DELETE /2017-10-31/functions/{name}/concurrency", h.deleteFunctionConcurrency)
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		controlapi.WriteJSONError(w, &controlapi.Error{Code: "UnknownOperationException",
			Message: "Albatross does not implement " + r.Method + " " + r.URL.Path, Status: http.StatusNotFound})
	})
	return h
}

// ServeHTTP routes a Lambda API request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// Close stops accepting Event invocations and waits for those running, until ctx ends.
func (h *Handler) Close(ctx context.Context) error {
	h.cancel()
	done := make(chan struct{})
	go func() { h.events.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Error constructors for the C.4 codes.
func notFound(arn string) *controlapi.Error {
	return &controlapi.Error{Code: "ResourceNotFoundException", Message: "Function not found: " + arn, Status: http.StatusNotFound}
}

func invalidParameter(format string, args ...any) *controlapi.Error {
	return controlapi.Errorf("InvalidParameterValueException", format, args...)
}

func conflict(msg string) *controlapi.Error {
	return &controlapi.Error{Code: "ResourceConflictException", Message: msg, Status: http.StatusConflict}
}

// fail writes err in the REST-JSON shape; the store's errors become 400 (invalid) or 409 (the
// data plane could not take the change).
func (h *Handler) fail(w http.ResponseWriter, err error) {
	var (
		apiErr  *controlapi.Error
		invalid *state.InvalidError
		apply   *state.ApplyError
	)
	switch {
	case errors.As(err, &apiErr):
	case errors.As(err, &invalid):
		apiErr = invalidParameter("%s", invalid.Error())
	case errors.As(err, &apply):
		apiErr = conflict(apply.Error())
	case errors.Is(err, state.ErrUnavailable):
		// AWS's common ServiceUnavailable (503, which SDKs retry): the shared store cannot be
		// reached, so the change was not made (docs/cluster.md).
		apiErr = &controlapi.Error{Code: "ServiceUnavailable", Message: err.Error(), Status: http.StatusServiceUnavailable}
	default:
		apiErr = &controlapi.Error{Code: "ServiceException", Message: err.Error(), Status: http.StatusInternalServerError}
		h.opts.Logger.Error("lambda API request failed", "error", err)
	}
	controlapi.WriteJSONError(w, apiErr)
}

// resolve parses the FunctionName path parameter (a name, name:qualifier, a partial ARN
// account:function:name or a full ARN, C.1) and the Qualifier query parameter, and returns the
// function record. Only $LATEST exists: Albatross does not publish versions.
func (h *Handler) resolve(r *http.Request) (*state.Snapshot, *state.Function, error) {
	snap := h.opts.Store.Snapshot()
	ref := r.PathValue("name")
	name, qualifier := ref, r.URL.Query().Get("Qualifier")
	if n, q, ok := config.ParseFunctionARN(ref); ok {
		name, qualifier = n, cmp.Or(qualifier, q)
	} else if f := strings.Split(ref, ":"); len(f) == 3 && f[1] == "function" {
		name = f[2]
	} else if n, q, ok := strings.Cut(ref, ":"); ok {
		name, qualifier = n, cmp.Or(qualifier, q)
	}
	fn := snap.Function(name)
	arn := snap.Config.FunctionARN(name)
	if qualifier != "" {
		arn += ":" + qualifier
	}
	if fn == nil || (qualifier != "" && qualifier != "$LATEST") {
		return nil, nil, notFound(arn)
	}
	return snap, fn, nil
}
