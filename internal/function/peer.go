package function

import (
	"context"
	"log/slog"
	"net/netip"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
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

// guardedPeerCheck runs the peer check on the Runtime API server's accept loop, where a panic
// would end the process (net/http recovers handlers, not Accept): a check that panics is
// reported and refuses the connection, and the loop goes on.
func guardedPeerCheck(spec *Spec, allow func(client, server netip.AddrPort) bool) func(client, server netip.AddrPort) bool {
	return func(client, server netip.AddrPort) (ok bool) {
		defer func() {
			if v := recover(); v != nil {
				observe.Panicked(context.Background(), spec.Logger, "function_peer_check", v, slog.String("function", spec.Name))
				ok = false
			}
		}()
		return allow(client, server)
	}
}
