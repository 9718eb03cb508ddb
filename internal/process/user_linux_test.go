package process

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/testkit"
)

// reachableBinary copies the test binary (the helper) into a fresh folder every user may search
// and read: the go tool builds it under a private folder that another uid cannot reach.
func reachableBinary(t *testing.T) (dir, bin string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "albatross-uid-test-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(dir, "helper")
	testkit.CopyFile(t, os.Args[0], bin, 0o755)
	return dir, bin
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("only root can start a process as another user")
	}
}

// testUIDs is a range no account of a test machine uses; each test passes its own first uid,
// since a stop kills every process of a uid.
func testUIDs(t *testing.T, first uint32) *UIDRange {
	t.Helper()
	r, err := NewUIDRange(first, first+9)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRunsAsItsOwnUser is the attack of a function on albatross's files: run as a uid of its
// own, with no supplementary groups, it cannot read a file that only albatross's user may
// read (the stickiness key, mode 0600) nor one in a private folder (state/state.json under a
// 0700 folder), while its own code runs.
func TestRunsAsItsOwnUser(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	dir, bin := reachableBinary(t)
	data := t.TempDir()
	key := filepath.Join(data, "stickiness.key")
	state := filepath.Join(data, "state", "state.json")
	if err := os.Mkdir(filepath.Dir(state), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{key, state} {
		if err := os.WriteFile(f, []byte("secret"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(data, 0o711); err != nil { // searchable, as a data dir with function users is
		t.Fatal(err)
	}
	u, err := testUIDs(t, 1_900_100_000).Acquire()
	if err != nil {
		t.Fatal(err)
	}
	c := newCollector()
	p, err := Start(Config{Command: []string{bin}, Dir: dir, User: &u, Output: c.output,
		Env: []string{"PROCESS_HELPER=identity", "SECRETS=" + key + "," + state}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(0) })
	if ex := p.Exit(); ex.Code != 0 {
		t.Fatalf("helper exit %s", ex)
	}
	close(c.lines)
	var out []string
	for l := range c.lines {
		out = append(out, l)
	}
	text := strings.Join(out, "\n")
	id := strconv.FormatUint(uint64(u.UID), 10)
	for _, want := range []string{
		"Uid:\t" + id + "\t" + id + "\t" + id + "\t" + id,
		"Gid:\t" + id + "\t" + id + "\t" + id + "\t" + id,
		"read " + key + ": open " + key + ": permission denied",
		"read " + state + ": open " + state + ": permission denied",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Groups:\t0") {
		t.Errorf("the process kept albatross's groups:\n%s", text)
	}
}

// TestForkBombContainedByUser is the fork-bomb attack where no cgroup bounds processes (no
// writable cgroup of either version; where one is, it bounds the bomb too): run as a uid of its
// own, the environment's processes and threads reach MaxProcs and the next fork fails with
// EAGAIN; a stop then leaves no process of the uid, and new processes still start.
func TestForkBombContainedByUser(t *testing.T) {
	requireRoot(t)
	// Not parallel: it keeps the machine busy for a few seconds, and tests with a bound on a
	// helper's progress (TestMaxRSS) run after it.
	dir, bin := reachableBinary(t)
	uids := testUIDs(t, 1_900_100_010)
	u, err := uids.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	const maxProcs = 32
	c := newCollector()
	p, err := Start(Config{Command: []string{bin}, Dir: dir, User: &u, Output: c.output, Limits: Limits{MaxProcs: maxProcs},
		Env: []string{"PROCESS_HELPER=forkbomb", "GOMAXPROCS=1"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(0) })
	for {
		line := c.next(t)
		rest, ok := strings.CutPrefix(line, "stdout: started ")
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(strings.Fields(rest)[0])
		if n >= maxProcs || !strings.Contains(rest, "resource temporarily unavailable") {
			t.Errorf("fork bomb under MaxProcs %d: %s; want fewer children and EAGAIN", maxProcs, rest)
		}
		break
	}
	p.Stop(0)
	if left := processesOf(u.UID); len(left) > 0 {
		t.Errorf("processes of uid %d left after the stop: %v", u.UID, left)
	}
	uids.Release(u)
	after, err := Start(Config{Command: []string{bin}, Dir: dir, User: &u, Env: []string{"PROCESS_HELPER=lines"}})
	if err != nil {
		t.Fatalf("a process after the fork bomb: %v", err)
	}
	if ex := after.Exit(); ex.Code != 3 {
		t.Errorf("a process after the fork bomb: exit %s, want status 3", ex)
	}
}
