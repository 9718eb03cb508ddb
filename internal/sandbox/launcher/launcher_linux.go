// The launcher is the first code a sandboxed function process runs (see package sandbox):
// it enforces the Landlock ruleset it is handed on itself and execs the function's program.
//
// It runs in this package's init, which is why the package imports nothing but os, runtime,
// strconv and syscall: a package is initialised once everything it imports is, so with only
// those it is among the first of albatross's 300 packages, before the rest of albatross's
// initialisation (tens of milliseconds, mostly generated protobuf and SDK tables), which a
// launcher has no use for. init also runs on the main thread, the one that carries the
// parent-death signal the supervisor set (it is per thread: an exec from another thread would
// drop it). For the same reason the two Landlock calls are plain system calls here and not
// go-landlock's wrappers, which would pull in golang.org/x/sys/unix and libpsx, initialised
// late; go-landlock builds the ruleset, in albatross.

package launcher

import (
	"os"
	"runtime"
	"strconv"
	"syscall"
)

// Name is argv[0] of a launcher: what init recognises. It is not a command of the albatross
// CLI and shows nowhere but in a starting function's /proc/<pid>/cmdline, until the exec a
// moment later replaces it.
const Name = "albatross-function-launcher"

// RulesetFD is where a launcher finds the ruleset: the first of exec.Cmd.ExtraFiles.
const RulesetFD = 3

// Exit codes of a launcher that did not start the program, after the shell's convention:
// 126, found but not run (the ruleset could not be enforced, so the program must not run);
// 127, not started (exec failed).
const (
	ExitNotConfined = 126
	ExitNotStarted  = 127
)

// sysLandlockRestrictSelf is landlock_restrict_self(2): the Landlock system calls have the
// same numbers on every architecture (444–446).
const sysLandlockRestrictSelf = 446

// prSetNoNewPrivs is PR_SET_NO_NEW_PRIVS, which package syscall does not name.
const prSetNoNewPrivs = 38

func init() {
	if len(os.Args) < 4 || os.Args[0] != Name {
		return
	}
	launch(os.Args[1], os.Args[2], os.Args[3:])
}

// launch enforces the ruleset with flags and execs program with argv and the launcher's own
// environment, which is the program's, untouched: nothing marks a launcher there, so nothing
// needs removing. Everything happens on the locked main thread: Landlock restricts the calling
// thread, and the exec from that thread carries the restriction into the program.
func launch(flags, program string, argv []string) {
	runtime.LockOSThread() // never unlocked: the thread becomes the program
	if err := confine(flags); err != nil {
		fail("cannot confine "+program+", not starting it", err, ExitNotConfined)
	}
	err := syscall.Exec(program, argv, os.Environ())
	fail("cannot start "+program, err, ExitNotStarted)
}

// confine restricts the calling thread to the ruleset. no_new_privs comes first, for everyone
// and not only the unprivileged (who need it for landlock_restrict_self): a setuid program must
// not run with more rights than the function that started it.
func confine(flags string) error {
	f, err := strconv.ParseUint(flags, 10, 32)
	if err != nil {
		return err
	}
	if _, _, errno := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0, 0); errno != 0 {
		return os.NewSyscallError("prctl(PR_SET_NO_NEW_PRIVS)", errno)
	}
	if _, _, errno := syscall.RawSyscall(sysLandlockRestrictSelf, RulesetFD, uintptr(f), 0); errno != 0 {
		return os.NewSyscallError("landlock_restrict_self", errno)
	}
	return syscall.Close(RulesetFD)
}

func fail(what string, err error, code int) {
	_, _ = os.Stderr.WriteString("albatross: " + what + ": " + err.Error() + "\n")
	os.Exit(code)
}
