package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/albatross-lb/albatross/internal/state"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// maxStateSize keeps the state document under etcd's default request limit (1.5 MiB) with room
// for the request around it. An ALB's configuration (hundreds of resources) is far smaller.
const maxStateSize = 1 << 20

// stateBackend keeps the API's resources in one etcd key, as the state file's version 2
// document, replaced whole by compare-and-swap on the key's mod revision: one key and one
// revision make every change atomic and totally ordered without a scheme of our own.
type stateBackend struct{ c *Cluster }

// StateBackend returns the store of the API's resources shared by every node.
func (c *Cluster) StateBackend() state.Follower { return stateBackend{c} }

func (b stateBackend) key() string { return b.c.key("state") }

func (b stateBackend) Load(ctx context.Context) (*state.Resources, state.Revision, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := b.c.cli.Get(ctx, b.key())
	if err != nil {
		return nil, state.Revision{}, unavailable(err)
	}
	rev := state.Revision{Seen: resp.Header.Revision}
	if len(resp.Kvs) == 0 {
		return &state.Resources{}, rev, nil
	}
	kv := resp.Kvs[0]
	r, err := state.DecodeResources(kv.Value)
	if err != nil {
		return nil, state.Revision{}, fmt.Errorf("state in etcd (%s, revision %d): %w", b.key(), kv.ModRevision, err)
	}
	rev.Mod = kv.ModRevision
	return r, rev, nil
}

func (b stateBackend) Save(ctx context.Context, r *state.Resources, prev state.Revision) (state.Revision, error) {
	data, err := state.EncodeResources(r)
	if err != nil {
		return state.Revision{}, err
	}
	if len(data) > maxStateSize {
		return state.Revision{}, fmt.Errorf("state: %d bytes is over the %d bytes kept in one etcd key", len(data), maxStateSize)
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	// A mod revision of 0 compares equal to a key that does not exist yet.
	resp, err := b.c.cli.Txn(ctx).
		If(clientv3.Compare(clientv3.ModRevision(b.key()), "=", prev.Mod)).
		Then(clientv3.OpPut(b.key(), string(data))).
		Commit()
	if err != nil {
		return state.Revision{}, unavailable(err)
	}
	if !resp.Succeeded {
		return state.Revision{}, state.ErrConflict
	}
	rev := resp.Header.Revision
	return state.Revision{Mod: rev, Seen: rev}, nil
}

// Follow watches the key from the revision after from. When the watch breaks (etcd compacted
// the revisions it needed, or cancelled it), the whole state is read again and the watch starts
// over from there, so that a node that was cut off gets everything it missed.
func (b stateBackend) Follow(ctx context.Context, from state.Revision, changed func(*state.Resources, state.Revision)) {
	next := from.Seen + 1
	// A state not read from etcd (a node's own copy, read while etcd was away) is replaced by a
	// whole read first: its revision says nothing about what it misses.
	whole := from.Seen == 0
	for ctx.Err() == nil {
		if !whole {
			next = b.watch(ctx, next, changed)
		}
		if !sleep(ctx, 200*time.Millisecond) {
			return
		}
		r, rev, err := b.Load(ctx)
		if err != nil {
			b.c.log.Warn("cannot read the shared state; serving the last one", "error", err)
			whole = true
			if !sleep(ctx, time.Second) {
				return
			}
			continue
		}
		whole = false
		changed(r, rev)
		next = rev.Seen + 1
	}
}

// sleep waits d, or less when ctx ends first; it reports whether ctx is still alive.
func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// watch delivers the changes from revision next until the watch ends, and returns the revision
// to go on from. Every event holds the whole state of the one key, so only the newest of what
// has arrived is delivered: a node that fell behind a burst of writes validates and applies
// once, not once per revision.
func (b stateBackend) watch(ctx context.Context, next int64, changed func(*state.Resources, state.Revision)) int64 {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := b.c.cli.Watch(wctx, b.key(), clientv3.WithRev(next))
	for resp := range ch {
		ev, err := newestEvent(resp, ch)
		if err != nil {
			b.c.log.Warn("watch of the shared state ended; reading it whole", "error", err)
			return next
		}
		if ev == nil {
			continue
		}
		rev := ev.Kv.ModRevision
		next = rev + 1
		if ev.Type == clientv3.EventTypeDelete {
			changed(&state.Resources{}, state.Revision{Seen: rev})
			continue
		}
		r, err := state.DecodeResources(ev.Kv.Value)
		if err != nil {
			b.c.log.Error("shared state not understood; keeping the last one", "revision", rev, "error", err)
			continue
		}
		changed(r, state.Revision{Mod: rev, Seen: rev})
	}
	return next
}

// newestEvent is the last event of resp and of the responses already waiting behind it in ch,
// or nil when none carries one. A response that ends the watch ends it here too.
func newestEvent(resp clientv3.WatchResponse, ch clientv3.WatchChan) (*clientv3.Event, error) {
	var ev *clientv3.Event
	for {
		if err := resp.Err(); err != nil {
			return nil, err
		}
		if n := len(resp.Events); n > 0 {
			ev = resp.Events[n-1]
		}
		select {
		case more, ok := <-ch:
			if !ok {
				return ev, nil
			}
			resp = more
		default:
			return ev, nil
		}
	}
}

func unavailable(err error) error { return fmt.Errorf("%w: etcd: %w", state.ErrUnavailable, err) }
