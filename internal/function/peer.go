package function

import (
	"net/netip"
	"time"

	"github.com/albatross-lb/albatross/internal/process"
)

// peerStartWait bounds how long a connection that arrives while the process is being spawned
// waits to learn whether it is the process's: spawning takes milliseconds.
const peerStartWait = 5 * time.Second

// peerOwner answers the Runtime API's question "is this connection from a process of the
// environment?" (docs/security.md). The server is bound before the process exists (style habit
// 7), so the answer waits until the spawn has happened.
type peerOwner struct {
	spawned chan struct{}
	proc    *process.Process // nil when the spawn failed; read after spawned is closed
}

func newPeerOwner() *peerOwner { return &peerOwner{spawned: make(chan struct{})} }

// set records the spawned process (nil when the spawn failed); called once.
func (o *peerOwner) set(p *process.Process) {
	o.proc = p
	close(o.spawned)
}

func (o *peerOwner) allow(client, server netip.AddrPort) bool {
	select {
	case <-o.spawned:
	case <-time.After(peerStartWait):
		return false
	}
	return o.proc != nil && o.proc.OwnsPeer(client, server)
}
