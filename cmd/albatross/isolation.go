package main

import (
	"cmp"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/albatross-lb/albatross/internal/process"
	"github.com/albatross-lb/albatross/internal/sandbox"
)

// secretFiles are the files of secrets that serve's flags (or their variables) name: a
// credentials @FILE, etcd's password @FILE and client key. Functions must not read them.
func secretFiles(f serveFlags) []string {
	var out []string
	for _, s := range []string{cmp.Or(f.apiCredentials, os.Getenv(credentialsEnv)), cmp.Or(f.cl.storeCredentials, os.Getenv(storeCredentialsEnv))} {
		if path, ok := strings.CutPrefix(s, "@"); ok {
			out = append(out, path)
		}
	}
	if f.cl.storeKey != "" {
		out = append(out, f.cl.storeKey)
	}
	return out
}

// isolateFunctions hides the data dir and the secret files from every function process where
// the kernel has Landlock, and says once which wall keeps functions from albatross's files:
// landlock, uids (--function-uids), both, or none (docs/security.md "Functions cannot reach
// the data dir"), and which limits per environment hold (limitAttrs).
func isolateFunctions(log *slog.Logger, dataDir string, secrets []string, uids bool) {
	abi, err := sandbox.HideFromFunctions(append([]string{dataDir}, secrets...)...)
	if err != nil {
		log.Warn("functions are not confined by Landlock", "error", err)
	}
	var walls []string
	if abi > 0 {
		walls = append(walls, "landlock")
	}
	if uids {
		walls = append(walls, "uids")
	}
	if len(walls) == 0 {
		reason := "this kernel offers no Landlock"
		if err != nil {
			reason = "Landlock could not be set up (see above)"
		}
		log.Warn("function isolation: none; functions can read the data dir (state, stickiness key) and credentials files: "+reason+"; give them users of their own with --function-uids",
			append([]any{"isolation", "none"}, limitAttrs(uids)...)...)
		return
	}
	log.Info("function isolation", append([]any{"isolation", strings.Join(walls, "+"), "landlock_abi", abi}, limitAttrs(uids)...)...)
	if abi > 0 {
		if shared := sharedFolderAbove(dataDir); shared != "" {
			log.Warn("the data dir lies below a folder every user writes to: functions cannot create files directly in it; move the data dir (--data-dir) out of it",
				"folder", shared, "data_dir", dataDir)
		}
	}
}

// limitAttrs say what bounds each environment's processes and threads (pids) and its memory
// (docs/security.md "Limits per environment"): cgroup-v2, cgroup-v1 or none, and for pids also
// uids, the RLIMIT_NPROC of --function-uids.
func limitAttrs(uids bool) []any {
	pids, memory := process.Bounds()
	return []any{"pids", pidsBound(pids, uids), "memory", memory}
}

// pidsBound adds the uids' RLIMIT_NPROC to what bounds processes in cgroups.
func pidsBound(cgroup string, uids bool) string {
	switch {
	case !uids:
		return cgroup
	case cgroup == "none":
		return "uids"
	}
	return cgroup + "+uids"
}

// sharedFolderAbove is the nearest folder above dir that every user may write to (/tmp), or
// "". Landlock cannot let a function create entries in a folder without letting it create them
// in the data dir below it, so such a folder takes no new entries from functions — and
// functions expect to write /tmp.
func sharedFolderAbove(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	for parent := filepath.Dir(dir); parent != dir; dir, parent = parent, filepath.Dir(parent) {
		if fi, err := os.Stat(parent); err == nil && fi.Mode().Perm()&0o002 != 0 {
			return parent
		}
	}
	return ""
}
