//go:build unix && !linux

package sock

import "syscall"

// Elsewhere the raw calls are not used: New returns nil and callers keep net.Conn.
const supported = false

func read(fd uintptr, p []byte) (int, syscall.Errno) {
	n, err := syscall.Read(int(fd), p)
	return n, errno(err)
}

func write(fd uintptr, p []byte) (int, syscall.Errno) {
	n, err := syscall.Write(int(fd), p)
	return n, errno(err)
}

// Read is one read of fd into p, for callers that run their own RawConn callbacks.
func Read(fd uintptr, p []byte) (int, syscall.Errno) { return read(fd, p) }

func errno(err error) syscall.Errno {
	if e, ok := err.(syscall.Errno); ok {
		return e
	}
	return 0
}
