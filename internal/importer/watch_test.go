package importer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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

// TestWatcherSeesFolderTrees: "FOLDER/..." watches the folders below it (an edited source of a
// package built from patterns), without dependency and tool folders; "FOLDER/*" the files
// directly in it (a new .tf file in a module).
func TestWatcherSeesFolderTrees(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"src/lib", "node_modules/x", ".git/objects", "modules/svc"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, d := range treeDirs(dir) {
		rel, _ := filepath.Rel(dir, d)
		got = append(got, filepath.ToSlash(rel))
	}
	if strings.Join(got, " ") != ". modules modules/svc src src/lib" {
		t.Errorf("watched folders = %v", got)
	}
	w, err := NewWatcher(dir + FolderTree)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan struct{}, 10)
	var wg sync.WaitGroup
	wg.Go(func() { _ = w.Run(ctx, func() { changes <- struct{}{} }) })
	defer func() { cancel(); wg.Wait() }()
	if err := os.WriteFile(filepath.Join(dir, "src", "lib", "util.js"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(time.Minute):
		t.Fatal("a new file in a watched folder's subfolder was not seen")
	}
	if err := w.Set(filepath.Join(dir, "modules") + FolderFiles); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "modules", "override.tf"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(time.Minute):
		t.Fatal("a new file in a FOLDER/* folder was not seen")
	}
}
