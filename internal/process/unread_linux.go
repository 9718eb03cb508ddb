package process

import "golang.org/x/sys/unix"

// unreadBytes is the number of bytes in a pipe that no read has taken yet (FIONREAD, spelled
// TIOCINQ in x/sys/unix for Linux).
func unreadBytes(fd uintptr) (int, error) { return unix.IoctlGetInt(int(fd), unix.TIOCINQ) }
