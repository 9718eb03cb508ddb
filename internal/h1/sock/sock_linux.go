package sock

import (
	"syscall"
	"unsafe"
)

const supported = true

// read and write are the system calls without the runtime's entersyscall (see the package
// comment); fd is non-blocking, so neither can block.
func read(fd uintptr, p []byte) (int, syscall.Errno) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	return int(n), errno
}

func write(fd uintptr, p []byte) (int, syscall.Errno) {
	if len(p) == 0 {
		return 0, 0
	}
	n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	return int(n), errno
}

// Read is one raw read of fd into p, for callers that run their own RawConn callbacks
// (internal/h1/server's idle wait). p must not be empty.
func Read(fd uintptr, p []byte) (int, syscall.Errno) { return read(fd, p) }
