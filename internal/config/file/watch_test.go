package file

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// waitLimit bounds every wait for a file event; events normally arrive within milliseconds.
const waitLimit = 5 * time.Second

// startWatch runs Watch on path in the background and returns a channel that receives one
// value per onChange call.
func startWatch(t *testing.T, path string) <-chan struct{} {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan struct{}, 16)
	var wg sync.WaitGroup
	wg.Add(1)
	ready := make(chan error, 1)
	go func() {
		defer wg.Done()
		ready <- nil
		if err := Watch(ctx, path, func() { changes <- struct{}{} }); err != nil {
			t.Errorf("Watch: %v", err)
		}
	}()
	<-ready
	t.Cleanup(func() { cancel(); wg.Wait() })
	// Watch adds its watch asynchronously; a write before that would be missed, so wait until a
	// probe write is seen.
	deadline := time.Now().Add(waitLimit)
	for {
		writeFile(t, path, "# probe\n")
		select {
		case <-changes:
			return changes
		case <-time.After(2 * DebounceDelay):
			if time.Now().After(deadline) {
				t.Fatal("Watch never reported the probe write")
			}
		}
	}
}

func expectChange(t *testing.T, changes <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-changes:
	case <-time.After(waitLimit):
		t.Fatalf("no onChange after %s", what)
	}
}

func TestWatchRewrite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "albatross.yaml")
	writeFile(t, path, "")
	changes := startWatch(t, path)
	writeFile(t, path, "region: eu-west-1\n")
	expectChange(t, changes, "rewrite")
}

// TestWatchRenameReplace: editors save by writing a temporary file and renaming it over the
// original; the folder watch still sees it.
func TestWatchRenameReplace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "albatross.yaml")
	writeFile(t, path, "")
	changes := startWatch(t, path)
	for i := range 2 { // twice: the watch must survive the first replacement
		tmp := filepath.Join(dir, ".albatross.yaml.swp")
		writeFile(t, tmp, "region: eu-west-1\n")
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
		expectChange(t, changes, "rename-replace "+string(rune('1'+i)))
	}
}

// TestWatchIgnoresOtherFiles: writes to neighbours of the file do not call onChange.
func TestWatchIgnoresOtherFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "albatross.yaml")
	writeFile(t, path, "")
	changes := startWatch(t, path)
	writeFile(t, filepath.Join(dir, "other.yaml"), "x: 1\n")
	writeFile(t, path, "region: eu-west-1\n") // a marker: its change must be the next one
	expectChange(t, changes, "marker write")
	select {
	case <-changes:
		t.Error("a second onChange: the neighbour's write was not filtered out")
	case <-time.After(3 * DebounceDelay):
	}
}

func TestWatchBadFolder(t *testing.T) {
	t.Parallel()
	err := Watch(context.Background(), filepath.Join(t.TempDir(), "missing", "albatross.yaml"), func() {})
	if err == nil {
		t.Error("Watch on a missing folder returned nil")
	}
}

// TestDebouncer: a burst of pokes gives one tick, DebounceDelay after the last poke (the fifth,
// at 4 x DebounceDelay/2).
func TestDebouncer(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := newDebouncer(DebounceDelay)
		defer d.stop()
		start := time.Now()
		for range 5 {
			d.poke()
			time.Sleep(DebounceDelay / 2)
		}
		<-d.fire()
		if got, want := time.Since(start), 4*(DebounceDelay/2)+DebounceDelay; got != want {
			t.Errorf("tick after %v, want %v", got, want)
		}
		select {
		case <-d.fire():
			t.Error("a second tick without a poke")
		case <-time.After(10 * DebounceDelay):
		}
	})
}
