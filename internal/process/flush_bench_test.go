package process

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// BenchmarkFlush is the per-invocation log flush of a function: Flush after an invocation that
// wrote nothing ("silent") or one line to stdout ("line", written by the benchmark itself just
// before, so the reader races Flush as it does in a function). It uses only what the branch base
// also has, so the file can be copied onto an older tree for an A/B comparison; count system
// calls and context switches with perf stat around the test binary.
func BenchmarkFlush(b *testing.B) {
	for _, tc := range []struct {
		name string
		line []byte
	}{{"silent", nil}, {"line", []byte("a log line of the function\n")}} {
		b.Run(tc.name, func(b *testing.B) {
			p := &Process{cmd: &exec.Cmd{}, exited: make(chan struct{}), launched: make(chan struct{})}
			close(p.launched)
			delivered := 0
			if err := p.attachOutput(func(Stream, string) { delivered++ }, nil); err != nil {
				b.Fatal(err)
			}
			stdout := p.cmd.Stdout.(*os.File)
			p.flusher.writers = []*os.File{stdout, p.cmd.Stderr.(*os.File)}
			defer p.output.Wait()
			defer p.flusher.close()
			for b.Loop() {
				if tc.line != nil {
					if _, err := stdout.Write(tc.line); err != nil {
						b.Fatal(err)
					}
				}
				if !p.Flush(time.Minute) {
					b.Fatal("Flush timed out")
				}
			}
			b.StopTimer()
			p.flusher.close()
			p.output.Wait()
			if tc.line != nil && delivered != b.N {
				b.Fatalf("%d lines delivered, want %d", delivered, b.N)
			}
		})
	}
}
