package cluster

import "context"

// Elector runs a long-running controller (a gated weight shift, ...) on one node at a time.
// *Cluster elects through etcd; Solo is a node alone. A controller takes an Elector, so that it
// is written once for both.
type Elector interface {
	// Lead runs run while this node leads name, until ctx ends (see Cluster.Lead).
	Lead(ctx context.Context, name string, run func(ctx context.Context))
}

var (
	_ Elector = (*Cluster)(nil)
	_ Elector = Solo{}
)

// Solo is the Elector of a node without --store: it always leads.
type Solo struct{}

// Lead runs run at once and returns when ctx ends (run included).
func (Solo) Lead(ctx context.Context, _ string, run func(ctx context.Context)) {
	run(ctx)
	<-ctx.Done()
}
