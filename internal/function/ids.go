package function

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"
)

// newRequestID returns a random UUID, the form of Lambda request IDs.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var id [36]byte // 8-4-4-4-12 hex digits, encoded in place rather than through fmt
	hex.Encode(id[0:8], b[0:4])
	id[8] = '-'
	hex.Encode(id[9:13], b[4:6])
	id[13] = '-'
	hex.Encode(id[14:18], b[6:8])
	id[18] = '-'
	hex.Encode(id[19:23], b[8:10])
	id[23] = '-'
	hex.Encode(id[24:36], b[10:16])
	return string(id[:])
}

// newTraceID returns an X-Ray trace header, Root=1-<epoch hex>-<96-bit hex>;Parent=<64-bit
// hex>;Sampled=0, as Lambda hands to runtimes in Lambda-Runtime-Trace-Id.
func newTraceID(now time.Time) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return "Root=1-" + strconv.FormatInt(now.Unix(), 16) + "-" + hex.EncodeToString(b[:12]) +
		";Parent=" + hex.EncodeToString(b[12:]) + ";Sampled=0"
}
