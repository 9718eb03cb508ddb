package process

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
)

// The test binary doubles as the supervised process: with PROCESS_HELPER set, TestMain runs a
// helper behaviour instead of the tests, so no extra build is needed.
func TestMain(m *testing.M) {
	if mode := os.Getenv("PROCESS_HELPER"); mode != "" {
		runHelper(mode)
		return
	}
	// A descriptor without close-on-exec, as albatross may inherit one from whatever started it:
	// function processes must not receive it (TestLimitsApplied).
	if _, err := syscall.Open(inheritedMarker, syscall.O_RDONLY, 0); err != nil {
		panic(err)
	}
	code := m.Run()
	if err := testkit.Leaked(); code == 0 && err != nil {
		fmt.Fprintln(os.Stderr, err) // every goroutine has an owner that stops it
		code = 1
	}
	os.Exit(code)
}

// inheritedMarker is the file TestMain holds open without close-on-exec.
var inheritedMarker = os.DevNull

func runHelper(mode string) {
	switch mode {
	case "lines":
		fmt.Println("first line")
		fmt.Fprintln(os.Stderr, "to stderr")
		fmt.Println()
		fmt.Println(strings.Repeat("x", maxLine+10))
		fmt.Print("no trailing newline")
		os.Exit(3)
	case "sleep":
		fmt.Println("ready")
		time.Sleep(time.Minute)
	case "ignore-term", "ignore-term-detached":
		signal.Ignore(syscall.SIGTERM)
		fmt.Println("ready")
		if mode == "ignore-term-detached" {
			// Holds no pipe of the environment, so only a kill that finds it ends it.
			os.Stdout.Close()
			os.Stderr.Close()
		}
		time.Sleep(time.Minute)
	case "grandchild":
		cmd := exec.Command(os.Args[0])
		cmd.Env = []string{"PROCESS_HELPER=sleep"}
		if err := cmd.Start(); err != nil {
			os.Exit(2)
		}
		fmt.Println(cmd.Process.Pid)
		time.Sleep(time.Minute)
	case "alloc":
		b := make([]byte, 64<<20)
		for i := range b {
			b[i] = byte(i)
		}
		fmt.Println("ready")
		time.Sleep(time.Minute)
		fmt.Println(b[len(b)-1])
	case "burst":
		w := bufio.NewWriter(os.Stdout)
		for i := range 2000 {
			fmt.Fprintf(w, "line %d\n", i)
		}
		fmt.Fprint(w, "partial")
		w.Flush()
		_ = os.WriteFile(os.Getenv("WRITTEN"), nil, 0o644)
		time.Sleep(time.Minute)
	case "limits":
		b, _ := os.ReadFile("/proc/self/limits")
		fmt.Print(string(b))
		oom, _ := os.ReadFile("/proc/self/oom_score_adj")
		fmt.Print("oom_score_adj " + string(oom))
		fds, _ := os.ReadDir("/proc/self/fd")
		for _, fd := range fds {
			target, _ := os.Readlink("/proc/self/fd/" + fd.Name())
			fmt.Println("fd " + fd.Name() + " " + target)
		}
		cg, _ := os.ReadFile("/proc/self/cgroup")
		fmt.Print(string(cg))
	case "setsid", "daemon", "orphan":
		// setsid: a child in a session of its own. daemon: an intermediate ("orphan") that
		// starts such a child, prints its pid and exits, leaving it orphaned.
		cmd := exec.Command(os.Args[0])
		cmd.Env = []string{"PROCESS_HELPER=ignore-term-detached"} // only SIGKILL ends it
		if mode == "daemon" {
			cmd.Env = []string{"PROCESS_HELPER=orphan"}
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: mode != "daemon"}
		cmd.Stdout = os.Stdout
		if err := cmd.Start(); err != nil {
			os.Exit(2)
		}
		if mode != "daemon" {
			fmt.Println(cmd.Process.Pid)
		}
		if mode == "orphan" {
			os.Exit(0)
		}
		time.Sleep(time.Minute)
	case "connect":
		conn, err := net.Dial("tcp", os.Getenv("ADDR"))
		if err != nil {
			os.Exit(2)
		}
		fmt.Println("connected")
		time.Sleep(time.Minute)
		conn.Close()
	case "read-parent-environ":
		_, err := os.ReadFile("/proc/" + strconv.Itoa(os.Getppid()) + "/environ")
		fmt.Println("read-parent-environ:", err)
	case "forks":
		// Starts up to 40 sleeping children and reports how many the limits allowed.
		started := 0
		for range 40 {
			cmd := exec.Command(os.Args[0])
			cmd.Env = []string{"PROCESS_HELPER=sleep"}
			if cmd.Start() != nil {
				break
			}
			started++
		}
		fmt.Println("started", started)
	case "supervisor":
		// Albatross in miniature: starts a function process and then dies without stopping it.
		p, err := Start(Config{Command: []string{os.Args[0]}, Env: []string{"PROCESS_HELPER=sleep"}, Limits: Limits{MemoryBytes: 256 << 20}})
		if err != nil {
			os.Exit(2)
		}
		fmt.Println(p.PID())
		time.Sleep(time.Minute)
	case "forkbomb":
		// A fork bomb with a hard cap, so that it stays bounded even where no limit holds:
		// at most 200 single-threaded children, each gone within a minute by itself.
		started := 0
		var err error
		for range 200 {
			if err = exec.Command("/bin/sleep", "60").Start(); err != nil {
				break
			}
			started++
		}
		fmt.Println("started", started, "error", err)
		time.Sleep(time.Minute)
	case "identity":
		// Who am I, and may I read what albatross keeps private?
		b, _ := os.ReadFile("/proc/self/status")
		for line := range strings.Lines(string(b)) {
			if strings.HasPrefix(line, "Uid:") || strings.HasPrefix(line, "Gid:") || strings.HasPrefix(line, "Groups:") {
				fmt.Print(line)
			}
		}
		for _, path := range strings.Split(os.Getenv("SECRETS"), ",") {
			_, err := os.ReadFile(path)
			fmt.Println("read", path+":", err)
		}
	case "confined":
		reportConfinement()
	case "env":
		for _, kv := range os.Environ() {
			fmt.Println(kv)
		}
		wd, _ := os.Getwd()
		fmt.Println("WD=" + wd)
	}
}

// collector gathers mirrored lines and signals each new one.
type collector struct {
	lines chan string
}

func newCollector() *collector { return &collector{lines: make(chan string, 1024)} }

func (c *collector) output(stream Stream, line string) {
	c.lines <- string(stream) + ": " + line
}

// next returns the next line or fails after a bound.
func (c *collector) next(t *testing.T) string {
	t.Helper()
	select {
	case l := <-c.lines:
		return l
	case <-time.After(30 * time.Second): // generous: the helper may run race-instrumented on a loaded machine
		t.Fatal("no output line")
		return ""
	}
}

func startHelper(t *testing.T, mode string, out func(Stream, string)) *Process {
	t.Helper()
	return startHelperWith(t, mode, Limits{}, out)
}

func startHelperWith(t *testing.T, mode string, l Limits, out func(Stream, string)) *Process {
	t.Helper()
	p, err := Start(Config{
		Limits:  l,
		Command: []string{os.Args[0]},
		Dir:     t.TempDir(),
		Env:     []string{"PROCESS_HELPER=" + mode},
		Output:  out,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(0) })
	return p
}

func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// A zombie (state Z) is dead for our purposes: it only waits to be reaped by its new parent.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

func scanLines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
