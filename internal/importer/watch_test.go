package importer

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestWatcherSeesEveryWatchedFileAndOnlyThem(t *testing.T) {
	dir := t.TempDir()
	a, b, other := filepath.Join(dir, "serverless.yml"), filepath.Join(dir, "sub", "vars.yml"), filepath.Join(dir, "unrelated.txt")
	if err := os.MkdirAll(filepath.Dir(b), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{a, b, other} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w, err := NewWatcher(a, b)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan struct{}, 10)
	var wg sync.WaitGroup
	wg.Go(func() { _ = w.Run(ctx, func() { changes <- struct{}{} }) })
	defer func() { cancel(); wg.Wait() }()

	// A change to an unrelated file is ignored; the next watched change is the one reported.
	if err := os.WriteFile(other, []byte("y"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte("y"), 0o644); err != nil {
		t.Fatal(err)
	}
	<-changes
	select {
	case <-changes:
		t.Fatal("one burst must give one reload")
	default:
	}
}

// TestWatcherWaitsForMissingFolders: a watched file in a folder that does not exist yet (a zip a
// build will write) does not stop the watch; creating the folder is a change.
func TestWatcherWaitsForMissingFolders(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "build", "out", "fn.zip")
	w, err := NewWatcher(missing)
	if err != nil {
		t.Fatalf("a file in a missing folder: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan struct{}, 10)
	var wg sync.WaitGroup
	wg.Go(func() { _ = w.Run(ctx, func() { changes <- struct{}{} }) })
	defer func() { cancel(); wg.Wait() }()
	if err := os.Mkdir(filepath.Join(dir, "build"), 0o755); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(time.Minute):
		t.Fatal("creating the missing folder was not seen")
	}
}
