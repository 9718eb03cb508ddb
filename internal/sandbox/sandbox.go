// Package sandbox hides albatross's own files — the data dir, credentials files — from the
// processes of functions, with Landlock where the kernel has it (docs/security.md "Functions
// cannot reach the data dir").
//
// Go runs no code of ours between fork and exec, so a function process starts through a
// launcher: albatross builds the Landlock ruleset in its own process (building one restricts
// nobody), hands it to a child started from its own executable under a name users never type,
// and that child enforces the ruleset on itself and execs the function's program, in the init
// of package launcher (imported here, so every binary that can wrap a command can also launch
// one), before the rest of albatross initialises. Exec keeps the pid, so everything the
// process package set up around the child (its cgroup, process group, parent-death signal,
// limits, uid, OOM score) still holds.
package sandbox

import (
	"os/exec"

	_ "github.com/albatross-lb/albatross/internal/sandbox/launcher" // a launcher runs in its init
)

// Wrap turns cmd, not yet started, into a launcher that runs cmd's program with cmd's arguments,
// working directory and environment, unable to reach what HideFromFunctions hid, except the
// paths of exposed that lie inside it (read and execute only: the function's code folder and
// its runtime's files). exposed may name files and folders; symbolic links are followed.
// Without a policy, or where Landlock is unavailable, cmd is left as is.
//
// The returned func must be called once cmd.Start has returned: it closes albatross's copy of
// the ruleset.
func Wrap(cmd *exec.Cmd, exposed []string) (started func(), err error) {
	return wrap(cmd, exposed)
}
