package process

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestOutputMirroredLineByLine: every line reaches the callback tagged with its stream, a line
// over 256 KiB cut there (Lambda's log event limit) with the discarded bytes reported, and the exit arrives as a typed event worded like Runtime.ExitError (B.5).
func TestOutputMirroredLineByLine(t *testing.T) {
	t.Parallel()
	c := newCollector()
	var cut []string // written by the stdout reader, read after Exit
	p, err := Start(Config{Command: []string{os.Args[0]}, Dir: t.TempDir(), Env: []string{"PROCESS_HELPER=lines"}, Output: c.output,
		Truncated: func(s Stream, dropped int) { cut = append(cut, string(s)+": "+strconv.Itoa(dropped)) }})
	if err != nil {
		t.Fatal(err)
	}
	ex := p.Exit()
	if len(cut) != 1 || cut[0] != "stdout: 10" {
		t.Errorf("Truncated calls = %q; want the 10 bytes past 256 KiB of stdout", cut)
	}
	close(c.lines)
	var got []string
	for l := range c.lines {
		got = append(got, l)
	}
	stdout := []string{"stdout: first line", "stdout: ", "stdout: " + strings.Repeat("x", maxLine), "stdout: no trailing newline"}
	var onlyStdout []string
	sawStderr := false
	for _, l := range got {
		if strings.HasPrefix(l, "stderr: ") {
			sawStderr = sawStderr || l == "stderr: to stderr"
			continue
		}
		onlyStdout = append(onlyStdout, l)
	}
	if strings.Join(onlyStdout, "\n") != strings.Join(stdout, "\n") {
		t.Errorf("stdout lines = %.200q", onlyStdout)
	}
	if !sawStderr {
		t.Errorf("stderr line missing in %.200q", got)
	}
	if ex.Code != 3 || ex.Signal != 0 || ex.Stopped || ex.String() != "exit status 3" {
		t.Errorf("exit = %+v (%s)", ex, ex)
	}
}

// TestStopIsTwoStep covers B.5's reset: SIGTERM first, SIGKILL after the grace period.
func TestStopIsTwoStep(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, mode string
		want       syscall.Signal
		wantString string
	}{
		{desc: "process that honours SIGTERM ends with it", mode: "sleep", want: syscall.SIGTERM, wantString: "signal: terminated"},
		{desc: "process that ignores SIGTERM is killed after the grace period", mode: "ignore-term", want: syscall.SIGKILL, wantString: "signal: killed"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			c := newCollector()
			p := startHelper(t, tc.mode, c.output)
			if l := c.next(t); l != "stdout: ready" {
				t.Fatalf("line = %q", l)
			}
			ex := p.Stop(100 * time.Millisecond)
			if ex.Signal != tc.want || !ex.Stopped || ex.Code != -1 || ex.String() != tc.wantString {
				t.Errorf("exit = %+v (%s), want signal %v", ex, ex, tc.want)
			}
		})
	}
}

// TestStopReachesTheWholeGroup: a function's children die with its environment (own process
// group per child).
func TestStopReachesTheWholeGroup(t *testing.T) {
	t.Parallel()
	c := newCollector()
	p := startHelper(t, "grandchild", c.output)
	pid, err := strconv.Atoi(strings.TrimPrefix(c.next(t), "stdout: "))
	if err != nil {
		t.Fatal(err)
	}
	if !alive(pid) {
		t.Fatal("grandchild not running")
	}
	p.Stop(time.Second)
	for i := 0; alive(pid); i++ {
		if i > 500 {
			t.Fatalf("grandchild %d survived the stop", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestMaxRSS: REPORT's Max Memory Used comes from VmHWM while running and ru_maxrss after exit.
func TestMaxRSS(t *testing.T) {
	t.Parallel()
	c := newCollector()
	p := startHelper(t, "alloc", c.output)
	c.next(t)
	if got := p.MaxRSS(); got < 64<<20 {
		t.Errorf("MaxRSS while running = %d, want >= 64 MiB", got)
	}
	p.Kill()
	if got := p.Exit().MaxRSS; got < 64<<20 {
		t.Errorf("MaxRSS after exit = %d, want >= 64 MiB", got)
	}
}

// TestStartFailure: a missing program is an error from Start, not an exit event.
func TestStartFailure(t *testing.T) {
	t.Parallel()
	if _, err := Start(Config{Command: []string{"/nonexistent/bootstrap"}}); err == nil {
		t.Fatal("Start succeeded")
	}
	if _, err := Start(Config{}); err == nil {
		t.Fatal("Start with no command succeeded")
	}
}

// TestFlushOrdersOutput: after Flush, every line written before it has been delivered, a partial
// line included, and the marker never shows.
func TestFlushOrdersOutput(t *testing.T) {
	t.Parallel()
	written := t.TempDir() + "/written"
	var mu sync.Mutex
	var lines []string
	p, err := Start(Config{Command: []string{os.Args[0]}, Env: []string{"PROCESS_HELPER=burst", "WRITTEN=" + written},
		Output: func(_ Stream, l string) { mu.Lock(); lines = append(lines, l); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop(0)
	for i := 0; ; i++ {
		if _, err := os.Stat(written); err == nil {
			break
		}
		if i > 1000 {
			t.Fatal("helper never wrote")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !p.Flush(5 * time.Second) {
		t.Fatal("Flush timed out")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 2001 || lines[1999] != "line 1999" || lines[2000] != "partial" {
		t.Fatalf("after Flush: %d lines, last %q", len(lines), lines[len(lines)-1])
	}
}
