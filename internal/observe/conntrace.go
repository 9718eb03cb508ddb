package observe

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"net/netip"
)

// connSalt makes connection trace IDs unguessable across processes while stable within one.
var connSalt = func() [16]byte {
	var s [16]byte
	_, _ = rand.Read(s[:])
	return s
}()

// AppendConnTraceID appends the conn_trace_id of a client connection (§8.2 field 30, §12.23):
// `TID_` and 32 hex digits. It is derived from the client's address and port and the listener
// port, so every request of a connection, and the connection log entry, carry the same value
// without any per-connection state; a later connection from the same client port reuses it.
func AppendConnTraceID(b []byte, client netip.AddrPort, listenerPort int) []byte {
	h := fnv.New128a()
	_, _ = h.Write(connSalt[:])
	a := client.Addr().As16()
	_, _ = h.Write(a[:])
	var ports [4]byte
	binary.BigEndian.PutUint16(ports[:2], client.Port())
	binary.BigEndian.PutUint16(ports[2:], uint16(listenerPort))
	_, _ = h.Write(ports[:])
	var sum [16]byte
	b = append(b, "TID_"...)
	return hex.AppendEncode(b, h.Sum(sum[:0]))
}
