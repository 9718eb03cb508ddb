package config

import (
	"regexp"
	"slices"
	"strings"
)

// Runtime describes one supported Lambda runtime.
type Runtime struct {
	// Name is the Lambda runtime identifier, e.g. "python3.12".
	Name string
	// Family is "provided", "nodejs" or "python".
	Family string
	// NeedsHandler is true where the runtime loads the handler itself (nodejs, python); provided
	// runtimes run the bootstrap executable and ignore the handler.
	NeedsHandler bool
}

// Runtimes is the one table of runtimes Albatross runs.
var Runtimes = []Runtime{
	{Name: "provided.al2023", Family: "provided"},
	{Name: "provided.al2", Family: "provided"},
	{Name: "provided", Family: "provided"},
	{Name: "nodejs18.x", Family: "nodejs", NeedsHandler: true},
	{Name: "nodejs20.x", Family: "nodejs", NeedsHandler: true},
	{Name: "nodejs22.x", Family: "nodejs", NeedsHandler: true},
	{Name: "python3.9", Family: "python", NeedsHandler: true},
	{Name: "python3.10", Family: "python", NeedsHandler: true},
	{Name: "python3.11", Family: "python", NeedsHandler: true},
	{Name: "python3.12", Family: "python", NeedsHandler: true},
	{Name: "python3.13", Family: "python", NeedsHandler: true},
}

// LookupRuntime returns the runtime called name.
func LookupRuntime(name string) (Runtime, bool) {
	i := slices.IndexFunc(Runtimes, func(r Runtime) bool { return r.Name == name })
	if i < 0 {
		return Runtime{}, false
	}
	return Runtimes[i], true
}

// ReservedEnvironmentVariables are the names Lambda defines itself and refuses in a function's
// environment (docs/spec.md B.4).
var ReservedEnvironmentVariables = []string{
	"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
}

// Function limits (Lambda CreateFunction / quotas).
const (
	minFunctionTimeout  = 1
	maxFunctionTimeout  = 900
	minFunctionMemory   = 128
	maxFunctionMemory   = 10240
	maxEnvironmentBytes = 4096
	maxHandlerLen       = 128
	maxDescriptionLen   = 256
)

var (
	functionNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	envNameRe      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
)

// functions indexes and checks every function.
func (v *validator) functions() {
	for i := range v.cfg.Functions {
		f := &v.cfg.Functions[i]
		p := idx("functions", i)
		switch j, dup := v.fns[f.FunctionName]; {
		case !functionNameRe.MatchString(f.FunctionName):
			v.ps.Add(key(p, "function_name"), "must be 1-64 letters, digits, hyphens or underscores, got %q", f.FunctionName)
		case dup:
			v.ps.Add(key(p, "function_name"), "duplicate function name %q (also functions[%d])", f.FunctionName, j)
		default:
			v.fns[f.FunctionName] = i
		}
		v.function(p, f)
	}
}

// function checks one function's runtime, code, limits, environment and concurrency.
func (v *validator) function(p string, f *Function) {
	if f.Unavailable != "" {
		v.unavailableFunction(p, f)
		return
	}
	rt, ok := LookupRuntime(f.Runtime)
	if !ok {
		v.ps.Add(key(p, "runtime"), "must be one of %s, got %q", runtimeNames(), f.Runtime)
	}
	switch {
	case rt.NeedsHandler && f.Handler == "":
		v.ps.Add(key(p, "handler"), "is required for %s runtimes", f.Runtime)
	case len(f.Handler) > maxHandlerLen || strings.ContainsFunc(f.Handler, isSpace):
		v.ps.Add(key(p, "handler"), "must be at most 128 characters without spaces, got %q", f.Handler)
	}
	if f.Code == "" {
		v.ps.Add(key(p, "code"), "is required: the directory that holds the function's code")
	}
	switch f.Build {
	case "":
	case "go":
		if ok && rt.Family != "provided" {
			v.ps.Add(key(p, "build"), "go builds a bootstrap, only for provided runtimes, not %s", f.Runtime)
		}
	default:
		v.ps.Add(key(p, "build"), "must be empty or \"go\", got %q", f.Build)
	}
	v.intIn(key(p, "timeout"), f.Timeout, minFunctionTimeout, maxFunctionTimeout)
	v.intIn(key(p, "memory_size"), f.MemorySize, minFunctionMemory, maxFunctionMemory)
	if len(f.Description) > maxDescriptionLen {
		v.ps.Add(key(p, "description"), "must be at most 256 characters, got %d", len(f.Description))
	}
	if f.Environment != nil {
		v.environment(key(p, "environment.variables"), f.Environment.Variables)
	}
	v.concurrency(p, f)
}

// environment checks variable names and the 4 KB total.
func (v *validator) environment(p string, vars map[string]string) {
	names := make([]string, 0, len(vars))
	size := 0
	for k, val := range vars {
		names = append(names, k)
		size += len(k) + len(val)
	}
	slices.Sort(names)
	for _, k := range names {
		switch {
		case !envNameRe.MatchString(k):
			v.ps.Add(mapKey(p, k), "a name starts with a letter and holds only letters, digits and _")
		case slices.Contains(ReservedEnvironmentVariables, k):
			v.ps.Add(mapKey(p, k), "is reserved by Lambda (B.4)")
		}
	}
	if size > maxEnvironmentBytes {
		v.ps.Add(p, "total size must be at most 4 KB (4096 bytes of names and values), got %d", size)
	}
}

// concurrency checks reserved (0..the account limit less the unreserved minimum) and
// provisioned (0..reserved) concurrency.
func (v *validator) concurrency(p string, f *Function) {
	limit := v.cfg.EffectiveConcurrentExecutions()
	if r := f.ReservedConcurrentExecutions; r != nil && (*r < 0 || *r > limit) {
		v.ps.Add(key(p, "reserved_concurrent_executions"), "must be 0..%d (the account's concurrency limit), got %d", limit, *r)
	}
	switch r := f.ReservedConcurrentExecutions; {
	case f.ProvisionedConcurrency < 0:
		v.ps.Add(key(p, "provisioned_concurrency"), "must not be negative, got %d", f.ProvisionedConcurrency)
	case r != nil && f.ProvisionedConcurrency > *r:
		v.ps.Add(key(p, "provisioned_concurrency"), "must not exceed reserved_concurrent_executions (%d), got %d", *r, f.ProvisionedConcurrency)
	case r == nil && f.ProvisionedConcurrency > limit:
		v.ps.Add(key(p, "provisioned_concurrency"), "must not exceed the concurrency limit %d, got %d", limit, f.ProvisionedConcurrency)
	}
}

// accountConcurrency checks the account's concurrency limit and that reserved concurrency
// leaves MinUnreservedConcurrency to the other functions, in the words of Lambda's
// PutFunctionConcurrency. The problem is reported on the function whose reservation crosses
// the line.
func (v *validator) accountConcurrency() {
	const maxLimit = 1_000_000
	limit := v.cfg.EffectiveConcurrentExecutions()
	if limit < MinUnreservedConcurrency || limit > maxLimit {
		v.ps.Add("albatross.concurrent_executions", "must be %d..%d (at least the unreserved minimum), got %d", MinUnreservedConcurrency, maxLimit, limit)
		return
	}
	sum := 0
	for i, f := range v.cfg.Functions {
		r := f.ReservedConcurrentExecutions
		if r == nil || *r <= 0 || *r > limit {
			continue // unreserved, or already reported as out of range
		}
		sum += *r
		if limit-sum < MinUnreservedConcurrency {
			v.ps.Add(key(idx("functions", i), "reserved_concurrent_executions"),
				"Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d] (reserved in total %d of the account's %d)",
				MinUnreservedConcurrency, sum, limit)
			return
		}
	}
}

func runtimeNames() string {
	names := make([]string, len(Runtimes))
	for i, r := range Runtimes {
		names[i] = r.Name
	}
	return strings.Join(names, ", ")
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
}

// unavailableFunction checks what still matters for a function Albatross does not run: the
// limits that the ALB and the control API report.
func (v *validator) unavailableFunction(p string, f *Function) {
	v.intIn(key(p, "timeout"), f.Timeout, minFunctionTimeout, maxFunctionTimeout)
	v.intIn(key(p, "memory_size"), f.MemorySize, minFunctionMemory, maxFunctionMemory)
	if len(f.Description) > maxDescriptionLen {
		v.ps.Add(key(p, "description"), "must be at most 256 characters, got %d", len(f.Description))
	}
}
