// Package testkit holds what the tests of several packages share: a buffer that concurrent
// writers may share, a loopback TCP connection's two ends, a file copy, the golden-file
// comparison, and the goroutine-leak check of every package that starts goroutines. Only tests
// import it.
package testkit

import (
	"bytes"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// Buffer is a bytes.Buffer that goroutines may write and read concurrently, e.g. a logger's
// output read by the test while the code under test still logs.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// background are goroutines that outlive a test by design and belong to no package of ours.
var background = []goleak.Option{
	// The standard library's HTTP client keeps idle connections to test servers briefly.
	goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
	goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	// pebble, the ACME test server, starts validation workers that it has no way to stop.
	goleak.IgnoreTopFunction("github.com/letsencrypt/pebble/v2/va.VAImpl.processTasks"),
}

// Main runs the package's tests, then fails the run when goroutines they started are still
// running: every goroutine has an owner that stops it. goleak retries for a while, so goroutines
// that are just ending do not count. Call it from TestMain:
//
//	func TestMain(m *testing.M) { testkit.Main(m) }
func Main(m *testing.M) {
	goleak.VerifyTestMain(m, background...)
}

// Leaked returns the goroutines still running beyond the test runner's own, or nil: for a
// TestMain that must clean up after m.Run before checking.
func Leaked() error {
	return goleak.Find(background...)
}
