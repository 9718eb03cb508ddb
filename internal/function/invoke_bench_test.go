package function

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkInvoke is one warm invocation of the test function through Invoke: the Runtime API
// round trip, the log flush and the START/END/REPORT lines. "echo" writes no log line; "log"
// writes one line to stdout and one to stderr, as a function that logs per request does;
// "echo-quiet" is "echo" with a logger that drops Info, as albatross serve --log-level warn. It
// uses only what the branch base also has, so the file can be copied onto an older tree for an
// A/B comparison. cpu-ns/op is albatross's side only (the function process is a child that is
// not reaped during the run); count system calls with perf stat -p or around the test binary.
func BenchmarkInvoke(b *testing.B) {
	for _, c := range []struct {
		name, action string
		level        slog.Level // of the function's logger; Warn is albatross serve --log-level warn
	}{{"echo", "echo", slog.LevelInfo}, {"log", "log", slog.LevelInfo}, {"echo-quiet", "echo", slog.LevelWarn}} {
		action := c.action
		b.Run(c.name, func(b *testing.B) {
			f, err := New(Spec{
				Name: "fn", Command: []string{fnBinary}, TaskRoot: b.TempDir(), Runtime: "provided.al2023",
				Handler: "bootstrap", Timeout: 30 * time.Second, Reserved: 1,
				Logger:    slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: c.level})),
				StopGrace: 200 * time.Millisecond,
			})
			if err != nil {
				b.Fatal(err)
			}
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = f.Close(ctx)
			}()
			payload := []byte(`{"action":"` + action + `"}`)
			ctx := context.Background()
			if _, err := f.Invoke(ctx, payload); err != nil { // the cold start stays out of the loop
				b.Fatal(err)
			}
			var before syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
			readsBefore, writesBefore := ioSyscalls()
			for b.Loop() {
				if _, err := f.Invoke(ctx, payload); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			var after syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
			cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(after.Nvcsw+after.Nivcsw-before.Nvcsw-before.Nivcsw)/float64(b.N), "ctxsw/op")
			reads, writes := ioSyscalls()
			b.ReportMetric(float64(reads-readsBefore)/float64(b.N), "reads/op")
			b.ReportMetric(float64(writes-writesBefore)/float64(b.N), "writes/op")
		})
	}
}

// ioSyscalls is the number of read and write system calls of this process so far (all its
// threads; /proc/self/io's syscr and syscw), or zeros where /proc does not have them.
func ioSyscalls() (reads, writes int64) {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, 0
	}
	for line := range strings.Lines(string(b)) {
		name, value, _ := strings.Cut(strings.TrimSpace(line), ": ")
		n, _ := strconv.ParseInt(value, 10, 64)
		switch name {
		case "syscr":
			reads = n
		case "syscw":
			writes = n
		}
	}
	return reads, writes
}
