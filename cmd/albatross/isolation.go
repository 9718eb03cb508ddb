package main

import (
	"cmp"
	"log/slog"
	"os"
	"strings"

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
// the data dir").
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
			"isolation", "none")
		return
	}
	log.Info("function isolation", "isolation", strings.Join(walls, "+"), "landlock_abi", abi)
}
