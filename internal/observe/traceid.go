package observe

import (
	"encoding/hex"
	"strings"
)

// TraceIDHex returns the W3C trace id (32 lowercase hex digits) of an X-Amzn-Trace-Id value's
// Root: X-Ray's 1-<8 hex>-<24 hex> is that id with a version and a separator (HDR-TRACE). ok is
// false when the value has no well-formed Root.
func TraceIDHex(header string) (id string, ok bool) {
	_, rest, found := strings.Cut(header, "Root=1-")
	if !found || len(rest) < 33 || rest[8] != '-' {
		return "", false
	}
	id = strings.ToLower(rest[:8] + rest[9:33])
	if _, err := hex.DecodeString(id); err != nil {
		return "", false
	}
	return id, true
}
