//go:build unix

package process

import (
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"
)

var inheritedOnce sync.Once

// closeInheritedOnExec marks every descriptor above stderr close-on-exec, once, before the first
// process starts; it also hides albatross from its children (hideFromChildren). Go opens its own files close-on-exec, but descriptors albatross inherited from
// whatever started it (a shell, a supervisor, a test harness) are not, and exec would pass them
// on to every function.
func closeInheritedOnExec() {
	inheritedOnce.Do(func() {
		dir := "/proc/self/fd"
		if runtime.GOOS != "linux" {
			dir = "/dev/fd"
		}
		hideFromChildren()
		entries, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		for _, e := range entries {
			if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
				syscall.CloseOnExec(fd)
			}
		}
	})
}
