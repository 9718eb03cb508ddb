//go:build unix && !linux

package process

import "errors"

// unreadBytes is not wired up outside Linux: Flush then always sends its markers, as before.
func unreadBytes(uintptr) (int, error) { return 0, errors.ErrUnsupported }
