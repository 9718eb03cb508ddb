package function

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/process"
	"github.com/albatross-lb/albatross/internal/testkit"
)

// openFunctionDir copies the test function into a fresh folder any user may search and read (the
// go tool and t.TempDir make private folders a function's uid cannot reach).
func openFunctionDir(t *testing.T) (dir, bootstrap string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "albatross-fn-user-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bootstrap = filepath.Join(dir, "bootstrap")
	testkit.CopyFile(t, fnBinary, bootstrap, 0o755)
	return dir, bootstrap
}

// TestFunctionRunsAsItsOwnUser is the attack of issue 11 on the data dir: a function whose
// bootstrap reads state/state.json and stickiness.key gets "permission denied" for both, while
// it runs and answers normally, as a uid of the range.
func TestFunctionRunsAsItsOwnUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can run functions as other users")
	}
	t.Parallel()
	code, bootstrap := openFunctionDir(t)
	data := t.TempDir() // a data dir as serve leaves it for function users: searchable, not listable
	if err := os.Chmod(data, 0o711); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(data, "state", "state.json")
	key := filepath.Join(data, "stickiness.key")
	if err := os.Mkdir(filepath.Dir(state), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{state, key} {
		if err := os.WriteFile(f, []byte("secret"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	users, err := process.NewUIDRange(1_900_200_000, 1_900_200_009)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := newTestFunction(t, func(s *Spec) {
		s.Command, s.TaskRoot, s.Users = []string{bootstrap}, code, users
	})
	payload, _ := json.Marshal(map[string]any{"action": "read", "paths": []string{state, key}})
	resp := invoke(t, f, string(payload))
	var got map[string]string
	if err := json.Unmarshal(resp.Payload, &got); err != nil {
		t.Fatalf("%s: %v", resp.Payload, err)
	}
	if uid, _ := strconv.Atoi(got["uid"]); uid < 1_900_200_000 || uid > 1_900_200_009 {
		t.Errorf("the function ran as uid %s, want one of the range", got["uid"])
	}
	for _, p := range []string{state, key} {
		if !strings.Contains(got[p], "permission denied") {
			t.Errorf("reading %s: %q, want permission denied", p, got[p])
		}
	}
}

// TestFunctionUserCannotReachCode: code in a folder the function's uid cannot search fails the
// cold start with Runtime.InvalidEntrypoint naming the folder, instead of a runtime crash far
// from the cause.
func TestFunctionUserCannotReachCode(t *testing.T) {
	t.Parallel()
	users, err := process.NewUIDRange(1_900_200_010, 1_900_200_019)
	if err != nil {
		t.Fatal(err)
	}
	private := t.TempDir()
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	f, _ := newTestFunction(t, func(s *Spec) { s.TaskRoot, s.Users = private, users })
	resp, err := invokeErr(f, `{"action":"echo"}`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Payload), "Runtime.InvalidEntrypoint") || !strings.Contains(string(resp.Payload), "cannot reach its code") {
		t.Errorf("response %s, want an init failure naming the unreachable folder", resp.Payload)
	}
}
