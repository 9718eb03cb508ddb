//go:build unix

// Package process spawns and supervises function processes: one process group (and, where the
// kernel allows, one cgroup) per child, resource limits, death with albatross, the Lambda
// environment (B.4), output mirrored line by line, exits delivered as typed events, and a
// two-step stop (SIGTERM, then SIGKILL after a grace period) that reaches every descendant.
package process

import (
	"errors"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/albatross-lb/albatross/internal/sandbox"
)

// Stream names the output stream a line came from.
type Stream string

// The two mirrored streams.
const (
	Stdout Stream = "stdout"
	Stderr Stream = "stderr"
)

// Config describes one process to start.
type Config struct {
	// Command is the program and its arguments; Command[0] is looked up in PATH when it has no slash.
	Command []string
	// Dir is the working directory (LAMBDA_TASK_ROOT for functions).
	Dir string
	// Env is the complete environment, KEY=VALUE; nothing is inherited. See LambdaEnv.
	Env []string
	// Output receives every line the process writes, without its newline; a line longer than
	// 256 KiB is cut there and the rest discarded (see Truncated). It is called from two goroutines (one per stream) and must be
	// safe for that. nil discards output.
	Output func(stream Stream, line string)
	// Truncated, when set, is told how many bytes were discarded from each cut line.
	Truncated func(stream Stream, dropped int)
	// Limits bound the process tree; the zero value means Lambda's quotas and no memory bound.
	Limits Limits
	// User, when set, is the identity the process runs as (albatross must be root). Its
	// processes and threads are then also bounded by RLIMIT_NPROC = Limits.MaxProcs, set before
	// the first instruction, and a stop kills every process of the uid: give each process a
	// uid of its own (UIDRange).
	User *User
	// Panicked, when set, is told of a panic recovered in this package's goroutines for the
	// process (a bug in Output, say); it is called from the recovering function, so the stack
	// still shows the panic. nil logs it on slog's default logger. The process is killed.
	Panicked func(value any)

	// afterReap, in tests, runs in the reaper right after the process was reaped.
	afterReap func()
}

// Process is a started process and its process group. Its methods are safe for concurrent use.
type Process struct {
	cmd     *exec.Cmd
	started time.Time
	exited  chan struct{}
	exit    Exit
	output  sync.WaitGroup
	flusher flusher
	limits  Limits
	contain containment
	onPanic func(any)
	// launched is closed once cmd.Start has returned, whatever it returned.
	launched  chan struct{}
	afterReap func()

	mu      sync.Mutex
	stopped bool          // Stop or Kill was called
	known   map[int]int64 // descendants seen so far: pid -> start time, for orphans (see seen)

	rss rssSample
}

// Start starts cfg.Command contained: in its own process group and, where cgroup v2 or v1 is
// writable, its own cgroups (so a stop reaches every descendant), under cfg.Limits, killed when
// albatross dies; it begins mirroring its output. Where sandbox.HideFromFunctions hid something
// and the kernel has Landlock, the process starts through the sandbox's launcher, unable to
// reach what was hidden but its own code (see exposedPaths).
func Start(cfg Config) (*Process, error) {
	if len(cfg.Command) == 0 {
		return nil, errors.New("process: empty command")
	}
	closeInheritedOnExec()
	p, err := launch(cfg, true)
	if err != nil && p != nil && p.contain.usedCgroup() {
		// Maybe the kernel refused to start the process inside its cgroup (a delegation it does
		// not grant after all). If it starts without one, run without cgroups from now on
		// rather than not at all; if not, the cgroup was not the cause.
		if retried, retryErr := launch(cfg, false); retryErr == nil {
			disableCgroups()
			return retried, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// launch starts the process; on failure it returns the unstarted Process for its containment.
func launch(cfg Config, useCgroup bool) (*Process, error) {
	cmd := exec.Command(cfg.Command[0], cfg.Command[1:]...)
	cmd.Dir = cfg.Dir
	cmd.Env = cfg.Env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	// Through a launcher that cuts the process off from what albatross hid, where it hid
	// something: the process keeps this pid, so everything below applies to it all the same.
	closeRuleset, err := sandbox.Wrap(cmd, exposedPaths(cmd))
	if err != nil {
		return nil, err
	}
	defer closeRuleset() // once Start has returned: the child holds its own copy
	p := &Process{cmd: cmd, exited: make(chan struct{}), limits: cfg.Limits.withDefaults(), known: map[int]int64{},
		onPanic: cfg.Panicked, launched: make(chan struct{}), afterReap: cfg.afterReap}
	defer close(p.launched)
	p.contain = prepare(cmd, p.limits, useCgroup, cfg.User)
	if err := p.attachOutput(cfg.Output, cfg.Truncated); err != nil {
		p.contain.release()
		return nil, err
	}
	start := func() error { return p.contain.startProcess(cmd.Start) }
	if err := withProcessLimit(cfg.User, p.limits.MaxProcs, start); err != nil {
		// Closing the write ends lets the mirroring goroutines see EOF and end.
		closeAll([]*os.File{cmd.Stdout.(*os.File), cmd.Stderr.(*os.File)})
		p.contain.release()
		return p, err
	}
	p.started = time.Now()
	p.contain.started(p.PID(), p.limits)
	// The parent keeps its copies of the write ends for Flush markers; wait closes them once
	// the group is gone so that the readers see EOF.
	p.flusher.writers = []*os.File{cmd.Stdout.(*os.File), cmd.Stderr.(*os.File)}
	go p.wait()
	return p, nil
}

// PID is the process ID, which is also the process group ID.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Started is when the process was started.
func (p *Process) Started() time.Time { return p.started }

// Exited is closed once the process has exited, its group has been cleaned up and all of its
// output has been delivered.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Exit describes how the process ended. It blocks until Exited is closed.
func (p *Process) Exit() Exit {
	<-p.exited
	return p.exit
}

// wait reaps the process, kills what is left of its tree (a function's background children do
// not outlive its environment, B.5, not even those that left its process group with setsid),
// waits for the output to drain, and publishes the exit.
func (p *Process) wait() {
	err := p.cmd.Wait()
	p.reapGuarded(func() {
		if p.afterReap != nil {
			p.afterReap()
		}
		p.contain.killAll(p.PID(), p.orphans())
	})
	p.reapGuarded(p.contain.release)
	p.flusher.close()
	p.output.Wait()
	p.mu.Lock()
	p.exit = newExit(p.cmd.ProcessState, err, p.stopped)
	p.mu.Unlock()
	close(p.exited)
}

// Stop ends the process group in two steps: SIGTERM, then SIGKILL if the process is still there
// after grace (B.5). It blocks until the process has exited and returns its Exit.
func (p *Process) Stop(grace time.Duration) Exit {
	p.signal(syscall.SIGTERM)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-p.exited:
	case <-timer.C:
		p.signal(syscall.SIGKILL)
	}
	return p.Exit()
}

// Kill sends SIGKILL to the process group without waiting.
func (p *Process) Kill() { p.signal(syscall.SIGKILL) }

func (p *Process) signal(sig syscall.Signal) {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	select {
	case <-p.exited:
		return
	default:
	}
	if sig == syscall.SIGKILL {
		p.contain.killAll(p.PID(), p.orphans())
		return
	}
	_ = syscall.Kill(-p.PID(), sig)
	for _, pid := range p.Tree() {
		if pid != p.PID() {
			_ = syscall.Kill(pid, sig)
		}
	}
}

func closeAll(files []*os.File) {
	for _, f := range files {
		_ = f.Close()
	}
}
