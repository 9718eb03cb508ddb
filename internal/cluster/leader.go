package cluster

import (
	"context"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// leaseTTL is how long a dead leader keeps its leadership: its lease expires this many seconds
// after its last keepalive, and another node takes over.
const leaseTTL = 10

// Lead runs run on this node whenever it is the leader of name (one leader per name in the
// cluster), until ctx ends: a long-running controller, such as a gated weight shift, that one
// node at a time must drive. run's context ends when this node stops being the leader (its lease
// lapsed: etcd was unreachable for longer than the lease, or the process stalled) or ctx ends;
// run must then stop promptly, since another node may already have taken over. A run that
// returns early resigns, and the node campaigns again after campaignPause. The state a
// controller needs to resume belongs in etcd or in the shared API state, never in the leader's
// memory.
func (c *Cluster) Lead(ctx context.Context, name string, run func(ctx context.Context)) {
	for ctx.Err() == nil {
		err := c.leadOnce(ctx, name, run)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			c.log.Warn("leader election failed; trying again", "election", name, "error", err)
		}
		// A failed election, or a run that returned early, waits before the next campaign: a
		// controller that keeps returning would otherwise take and resign the leadership in a
		// tight loop, a lease grant, a campaign and a resignation each time.
		select {
		case <-ctx.Done():
		case <-time.After(campaignPause):
		}
	}
}

// campaignPause is the wait between one leadership (or failed election) and the next campaign.
const campaignPause = time.Second

func (c *Cluster) leadOnce(ctx context.Context, name string, run func(context.Context)) error {
	sess, err := concurrency.NewSession(c.cli, concurrency.WithTTL(leaseTTL), concurrency.WithContext(ctx))
	if err != nil {
		return err
	}
	defer sess.Close()
	election := concurrency.NewElection(sess, c.electionKey(name))
	if err := election.Campaign(ctx, c.node); err != nil {
		return err
	}
	c.log.Info("leading", "election", name, "node", c.node)
	held := leadership{key: election.Key(), rev: election.Rev()}
	leading, stop := context.WithCancel(context.WithValue(ctx, leadershipKey{}, held))
	defer stop()
	go func() {
		select {
		case <-sess.Done(): // the lease is gone: someone else may lead now
		case <-leading.Done():
		}
		stop()
	}()
	run(leading)
	stop()
	resign, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	_ = election.Resign(resign)
	c.log.Info("no longer leading", "election", name, "node", c.node)
	return nil
}

// Leader returns the node leading name, "" when none does.
func (c *Cluster) Leader(ctx context.Context, name string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := c.cli.Get(ctx, c.electionKey(name)+"/", append(clientv3.WithFirstCreate(), clientv3.WithPrefix())...)
	if err != nil {
		return "", fmt.Errorf("leader of %s: %w", name, unavailable(err))
	}
	if len(resp.Kvs) == 0 {
		return "", nil
	}
	return string(resp.Kvs[0].Value), nil
}

func (c *Cluster) electionKey(name string) string { return c.key("leader/" + name) }

// leadership is the leader key a node holds while it leads, as its run's context carries it:
// a write that must come from the leader compares the key's create revision, so that etcd
// refuses it once the key is gone (the lease lapsed) or belongs to another campaign.
type leadership struct {
	key string
	rev int64
}

type leadershipKey struct{}

// leadershipOf returns the leadership ctx carries, if it comes from Lead.
func leadershipOf(ctx context.Context) (leadership, bool) {
	l, ok := ctx.Value(leadershipKey{}).(leadership)
	return l, ok
}
