//go:build unix

package process

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Initialization types for AWS_LAMBDA_INITIALIZATION_TYPE (B.4).
const (
	InitOnDemand    = "on-demand"
	InitProvisioned = "provisioned-concurrency"
)

// lambdaPath is Lambda's PATH for its Amazon Linux runtimes; the host's PATH follows it so that
// interpreters installed on this machine are found.
const lambdaPath = "/usr/local/bin:/usr/bin/:/bin:/opt/bin"

// Placeholder credentials: Lambda always sets credentials (B.4) and SDKs inside functions expect
// them; these are AWS's documented example keys, never real ones. Function variables may
// replace them, e.g. to reach a local AWS emulator.
const (
	placeholderAccessKeyID     = "AKIAIOSFODNN7EXAMPLE"
	placeholderSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	placeholderSessionToken    = "albatross-local-session-token"
)

// Environment is what LambdaEnv needs to build a function process's environment.
type Environment struct {
	// FunctionName is AWS_LAMBDA_FUNCTION_NAME and the log group's suffix.
	FunctionName string
	// FunctionVersion is AWS_LAMBDA_FUNCTION_VERSION; "" means $LATEST.
	FunctionVersion string
	// MemoryMB is AWS_LAMBDA_FUNCTION_MEMORY_SIZE.
	MemoryMB int
	// Region is AWS_REGION and AWS_DEFAULT_REGION.
	Region string
	// Handler is _HANDLER.
	Handler string
	// Runtime is the Lambda runtime identifier; AWS_EXECUTION_ENV is AWS_Lambda_<Runtime>,
	// absent for provided* (OS-only) runtimes (B.4).
	Runtime string
	// TaskRoot is LAMBDA_TASK_ROOT; RuntimeDir is LAMBDA_RUNTIME_DIR ("" means TaskRoot).
	TaskRoot, RuntimeDir string
	// RuntimeAPI is AWS_LAMBDA_RUNTIME_API, host:port without scheme (B.1).
	RuntimeAPI string
	// InitializationType is InitOnDemand ("" means that) or InitProvisioned.
	InitializationType string
	// LogStreamName is AWS_LAMBDA_LOG_STREAM_NAME; "" generates one in Lambda's form.
	LogStreamName string
	// HostPath is appended to Lambda's PATH, normally os.Getenv("PATH").
	HostPath string
	// Variables are the function's own variables. They may override unreserved defaults (LANG,
	// PATH, LD_LIBRARY_PATH, TZ) and the placeholder credentials, never reserved keys.
	Variables map[string]string
}

// LambdaEnv returns the complete environment of a function process as sorted KEY=VALUE pairs,
// as Lambda defines it (B.4). _LAMBDA_SERVER_PORT is never set, even by the function's
// variables, because aws-lambda-go would switch to its legacy RPC mode (B.4).
func LambdaEnv(e Environment) []string {
	env := map[string]string{
		"LANG":                  "en_US.UTF-8",
		"TZ":                    ":UTC",
		"PATH":                  joinPath(lambdaPath, e.HostPath),
		"LD_LIBRARY_PATH":       ldLibraryPath(e),
		"AWS_ACCESS_KEY_ID":     placeholderAccessKeyID,
		"AWS_ACCESS_KEY":        placeholderAccessKeyID,
		"AWS_SECRET_ACCESS_KEY": placeholderSecretAccessKey,
		"AWS_SESSION_TOKEN":     placeholderSessionToken,
	}
	maps.Copy(env, e.Variables)
	maps.Copy(env, reserved(e))
	delete(env, "_LAMBDA_SERVER_PORT")
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// reserved are the variables Lambda sets and functions cannot change (B.4).
func reserved(e Environment) map[string]string {
	version := cmp.Or(e.FunctionVersion, "$LATEST")
	r := map[string]string{
		"_HANDLER":                        e.Handler,
		"AWS_REGION":                      e.Region,
		"AWS_DEFAULT_REGION":              e.Region,
		"AWS_LAMBDA_FUNCTION_NAME":        e.FunctionName,
		"AWS_LAMBDA_FUNCTION_VERSION":     version,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(e.MemoryMB),
		"AWS_LAMBDA_INITIALIZATION_TYPE":  cmp.Or(e.InitializationType, InitOnDemand),
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + e.FunctionName,
		"AWS_LAMBDA_LOG_STREAM_NAME":      cmp.Or(e.LogStreamName, NewLogStreamName(version, time.Now())),
		"AWS_LAMBDA_RUNTIME_API":          e.RuntimeAPI,
		"LAMBDA_TASK_ROOT":                e.TaskRoot,
		"LAMBDA_RUNTIME_DIR":              cmp.Or(e.RuntimeDir, e.TaskRoot),
	}
	if e.Runtime != "" && !strings.HasPrefix(e.Runtime, "provided") {
		r["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + e.Runtime
	}
	return r
}

// NewLogStreamName returns a log stream name in Lambda's form, 2006/01/02/[$LATEST]<32 hex>.
func NewLogStreamName(version string, now time.Time) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("2006/01/02") + "/[" + version + "]" + hex.EncodeToString(b[:])
}

// ldLibraryPath mirrors Lambda's LD_LIBRARY_PATH with /var/runtime and /var/task replaced by
// the runtime directory and the task root.
func ldLibraryPath(e Environment) string {
	rt := cmp.Or(e.RuntimeDir, e.TaskRoot)
	return strings.Join([]string{"/lib64", "/usr/lib64", rt, rt + "/lib", e.TaskRoot, e.TaskRoot + "/lib", "/opt/lib"}, ":")
}

func joinPath(a, b string) string {
	if b == "" {
		return a
	}
	return a + ":" + b
}
