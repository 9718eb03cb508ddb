//go:build unix && !linux

package process

import "net/netip"

// PeerCheckSupported says whether OwnsPeer can tell processes apart on this platform: macOS has
// no /proc socket table, so the Runtime API accepts any local process there (docs/security.md).
const PeerCheckSupported = false

// OwnsPeer accepts every connection on this platform; see PeerCheckSupported.
func (p *Process) OwnsPeer(client, server netip.AddrPort) bool { return true }
