// Package function runs Lambda functions locally: per function, a pool of execution
// environments (a process plus its own Runtime API), one invocation per environment at a time,
// scale-out up to the reserved concurrency, a bounded queue, keep-alive reaping, provisioned
// environments, cold starts, timeouts, crashes and init errors as Lambda reports them (B.5).
package function

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/albatross-lb/albatross/internal/process"
)

// Defaults for the zero values of Spec's fields.
const (
	// DefaultTimeout is Lambda's default function timeout.
	DefaultTimeout = 3 * time.Second
	// DefaultMemoryMB is Lambda's default memory size.
	DefaultMemoryMB = 128
	// DefaultRegion is the region reported to functions.
	DefaultRegion = "us-east-1"
	// DefaultUnreservedLimit caps environments of a function without reserved concurrency; it is
	// Lambda's default account concurrency.
	DefaultUnreservedLimit = 1000
	// DefaultQueueLength is how many invocations may wait for an environment.
	DefaultQueueLength = 100
	// DefaultQueueWait is how long an invocation waits for an environment before ErrThrottled.
	DefaultQueueWait = time.Second
	// DefaultKeepAlive is how long an idle on-demand environment is kept warm.
	DefaultKeepAlive = 5 * time.Minute
	// DefaultInitTimeout is Lambda's 10 s limit on the Init phase (B.3).
	DefaultInitTimeout = 10 * time.Second
	// DefaultStopGrace is the time between SIGTERM and SIGKILL when an environment is stopped:
	// Lambda's shutdown budget with an internal extension (B.5).
	DefaultStopGrace = 500 * time.Millisecond
	// MaxRequestSize is the synchronous invocation payload limit, 6 MB (B.3).
	MaxRequestSize = 6 * 1024 * 1024
)

// Spec describes one function and how its environments are managed. Zero values mean the
// defaults above, except where a field says otherwise.
type Spec struct {
	// Name is the function name (AWS_LAMBDA_FUNCTION_NAME); required.
	Name string
	// ARN is sent as Lambda-Runtime-Invoked-Function-Arn; "" means one built from Name and Region
	// with account 000000000000.
	ARN string
	// Command is what to execute, resolved by the caller: the bootstrap path, or an interpreter
	// plus a shipped bootstrap; required.
	Command []string
	// TaskRoot is LAMBDA_TASK_ROOT and the working directory; required.
	TaskRoot string
	// RuntimeDir is LAMBDA_RUNTIME_DIR; "" means TaskRoot.
	RuntimeDir string
	// Users, when set, gives every execution environment a uid of its own to run as
	// (albatross must be root): it cannot read albatross's private files, and its processes
	// and threads are bounded by RLIMIT_NPROC. Its code must be readable by other users; an
	// environment whose code is not fails to start, saying which folder stops it.
	Users *process.UIDRange
	// Handler and Runtime become _HANDLER and AWS_EXECUTION_ENV (B.4).
	Handler, Runtime string
	// Env holds the function's environment variables.
	Env map[string]string
	// Timeout bounds one invocation; 0 means DefaultTimeout.
	Timeout time.Duration
	// MemoryMB is reported to the function and in REPORT lines; 0 means DefaultMemoryMB. It
	// bounds the environment's memory where a cgroup (v2, or v1 on hybrid hosts) offers the
	// memory controller: over it, the kernel kills the runtime (process.Limits.MemoryBytes).
	MemoryMB int
	// Reserved is the most environments at once. 0 means the function is throttled (as reserved
	// concurrency 0 does in Lambda); -1 means unreserved, capped at UnreservedLimit.
	Reserved int
	// Provisioned environments are started by New and kept warm; they count toward Reserved.
	Provisioned int
	// Region is AWS_REGION; "" means DefaultRegion.
	Region string
	// Logger receives function output and START/END/REPORT lines, tagged with the function name
	// and request ID; nil discards them.
	Logger *slog.Logger

	// UnreservedLimit caps environments when Reserved is -1; 0 means DefaultUnreservedLimit.
	UnreservedLimit int
	// Account, when set and Reserved is -1, is the concurrency this function shares with the
	// account's other unreserved functions; when it is used up, invocations are throttled at
	// once with ErrAccountThrottled, as Lambda throttles. nil means no account limit.
	Account *Account
	// QueueLength is how many invocations may wait for a free environment; 0 means
	// DefaultQueueLength, -1 means none wait (throttle at once, like Lambda itself).
	QueueLength int
	// QueueWait is the longest wait in the queue; 0 means DefaultQueueWait.
	QueueWait time.Duration
	// KeepAlive is how long idle on-demand environments live; 0 means DefaultKeepAlive.
	KeepAlive time.Duration
	// InitTimeout bounds the Init phase; 0 means DefaultInitTimeout.
	InitTimeout time.Duration
	// StopGrace is the SIGTERM to SIGKILL delay; 0 means DefaultStopGrace.
	StopGrace time.Duration
	// Watch, when set, reloads the code when its sources change (the developer loop, see
	// CodeWatch). Nil means the code is read once per environment start and never watched.
	Watch *CodeWatch

	logLimit *logLimiter // the function's log output budget, shared by its environments
}

// withDefaults returns s with zero values replaced, or every problem found.
func (s Spec) withDefaults() (Spec, error) {
	var errs []error
	if s.Name == "" {
		errs = append(errs, errors.New("function: Name is required"))
	}
	if len(s.Command) == 0 {
		errs = append(errs, errors.New("function: Command is required"))
	}
	if s.TaskRoot == "" {
		errs = append(errs, errors.New("function: TaskRoot is required"))
	}
	if s.Reserved < -1 || s.Provisioned < 0 || s.Timeout < 0 || s.MemoryMB < 0 {
		errs = append(errs, errors.New("function: Reserved, Provisioned, Timeout and MemoryMB must not be negative (Reserved may be -1)"))
	}
	limit := s.Reserved
	if limit == -1 {
		limit = orDefault(s.UnreservedLimit, DefaultUnreservedLimit)
	}
	if s.Provisioned > limit {
		errs = append(errs, fmt.Errorf("function: Provisioned (%d) exceeds the concurrency limit (%d)", s.Provisioned, limit))
	}
	s.Timeout = orDefault(s.Timeout, DefaultTimeout)
	s.MemoryMB = orDefault(s.MemoryMB, DefaultMemoryMB)
	s.Region = orDefault(s.Region, DefaultRegion)
	s.UnreservedLimit = orDefault(s.UnreservedLimit, DefaultUnreservedLimit)
	s.QueueLength = orDefault(s.QueueLength, DefaultQueueLength)
	s.QueueWait = orDefault(s.QueueWait, DefaultQueueWait)
	s.KeepAlive = orDefault(s.KeepAlive, DefaultKeepAlive)
	s.InitTimeout = orDefault(s.InitTimeout, DefaultInitTimeout)
	s.StopGrace = orDefault(s.StopGrace, DefaultStopGrace)
	if s.ARN == "" {
		s.ARN = fmt.Sprintf("arn:aws:lambda:%s:000000000000:function:%s", s.Region, s.Name)
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	return s, errors.Join(errs...)
}

// poolConfig derives the pool's bounds from the spec.
func (s Spec) poolConfig() poolConfig {
	limit := s.Reserved
	if limit == -1 {
		limit = s.UnreservedLimit
	}
	return poolConfig{
		max:         limit,
		provisioned: s.Provisioned,
		queueLength: max(s.QueueLength, 0),
		queueWait:   s.QueueWait,
		keepAlive:   s.KeepAlive,
		backoffBase: 100 * time.Millisecond,
		backoffMax:  5 * time.Second,
	}
}

func orDefault[T comparable](v, fallback T) T {
	var zero T
	if v == zero {
		return fallback
	}
	return v
}
