package process

import (
	"os"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/sandbox"
)

// BenchmarkStartConfined is the cost of the launcher: starting /bin/true and waiting for its
// exit, directly and through the launcher (the ruleset built in this process, then an extra exec
// of this binary, which enforces it). The difference is what every environment start pays;
// docs/security.md gives the number. The launcher here is the test binary, which like albatross
// runs it among its first initialised packages.
func BenchmarkStartConfined(b *testing.B) {
	// Wall time depends on how loaded the machine is; the CPU time of the child (launcher and
	// program: user plus system) much less, so it is reported too.
	run := func(b *testing.B) {
		var cpu time.Duration
		for b.Loop() {
			p, err := Start(Config{Command: []string{"/bin/true"}})
			if err != nil {
				b.Fatal(err)
			}
			if exit := p.Exit(); exit.Code != 0 {
				b.Fatal(exit)
			}
			cpu += p.cmd.ProcessState.UserTime() + p.cmd.ProcessState.SystemTime()
		}
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "child-cpu-µs/op")
	}
	b.Run("direct", run)
	// The hidden folder sits where a data dir does, below quiet folders (/var/tmp here, ~/.cache
	// normally): below a busy /tmp the ruleset is built again for nearly every start, one rule
	// per entry of /tmp.
	dir, err := os.MkdirTemp("/var/tmp", "albatross-bench-*")
	if err != nil {
		b.Skip(err)
	}
	defer os.RemoveAll(dir)
	abi, err := sandbox.HideFromFunctions(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _, _ = sandbox.HideFromFunctions() }()
	if abi == 0 {
		b.Skip("no Landlock here")
	}
	b.Run("launcher", run)
}
