package importer

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
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
