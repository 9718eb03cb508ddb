package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/albatross-lb/albatross/internal/shift"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// ShiftStore keeps the state of every gated weight shift in etcd, one key per rule
// (PREFIX/shift/<rule>), so that the node leading the "shift" election drives the shifts and
// every other node follows the states it saves (docs/cluster.md). Saves compare the key's mod
// revision with the one this node last read, saved or followed, so that a command given on one
// node and a tick on the leader never overwrite each other unseen.
type ShiftStore struct {
	c *Cluster
	// local keeps a copy of the states this node last read or wrote, for a restart while etcd
	// is away.
	local shift.Store
	mu    sync.Mutex
	// seen is each rule's mod revision as this node last knew it (0: no key).
	seen map[string]int64
}

var (
	_ shift.Follower    = (*ShiftStore)(nil)
	_ shift.LeaderStore = (*ShiftStore)(nil)
)

// ShiftStore returns the shared store of shift states. copyDir ("" for none) keeps a copy of
// every state this node reads or writes, served when etcd does not answer, so that a node
// restarted while etcd is away routes with the shares the cluster had instead of starting its
// shifts afresh; the copy is never written back to etcd.
func (c *Cluster) ShiftStore(copyDir string) *ShiftStore {
	s := &ShiftStore{c: c, seen: map[string]int64{}}
	if copyDir != "" {
		s.local = shift.NewFileStore(copyDir)
	}
	return s
}

func (s *ShiftStore) prefix() string { return s.c.key("shift/") }

func (s *ShiftStore) key(rule string) string { return s.prefix() + url.PathEscape(rule) }

// rule is the rule name of a key under the prefix, "" for a key that is not one.
func (s *ShiftStore) rule(key []byte) string {
	name, ok := strings.CutPrefix(string(key), s.prefix())
	if !ok {
		return ""
	}
	rule, err := url.PathUnescape(name)
	if err != nil {
		return ""
	}
	return rule
}

func (s *ShiftStore) setSeen(rule string, rev int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[rule] = rev
}

// Load reads the rule's state from etcd, or from the copy when etcd does not answer.
func (s *ShiftStore) Load(rule string) (shift.State, bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	resp, err := s.c.cli.Get(ctx, s.key(rule))
	if err != nil {
		if s.local != nil {
			if st, ok, cerr := s.local.Load(rule); cerr == nil && ok {
				s.c.log.Warn("etcd unreachable; the shift goes on from this node's copy of its state", "rule", rule, "error", err)
				return st, true, nil
			}
		}
		return shift.State{}, false, unavailable(err)
	}
	if len(resp.Kvs) == 0 {
		s.setSeen(rule, 0)
		return shift.State{}, false, nil
	}
	kv := resp.Kvs[0]
	s.setSeen(rule, kv.ModRevision)
	var st shift.State
	if err := json.Unmarshal(kv.Value, &st); err != nil {
		return shift.State{}, false, fmt.Errorf("shift state in etcd (%s): %w", s.key(rule), err)
	}
	s.keepCopy(rule, st)
	return st, true, nil
}

func (s *ShiftStore) keepCopy(rule string, st shift.State) {
	if s.local == nil {
		return
	}
	if err := s.local.Save(rule, st); err != nil {
		s.c.log.Warn("copy of a shift state not kept", "rule", rule, "error", err)
	}
}

// Save writes the rule's state if nobody else wrote it since this node last knew it; else it
// returns shift.ErrConflict and writes nothing.
func (s *ShiftStore) Save(rule string, st shift.State) error {
	return s.save(context.Background(), rule, st, nil)
}

// SaveLeading saves like Save while the leadership lead carries (Lead's run context) still
// holds: its leader key exists with the revision it was won at. Else it returns
// shift.ErrNotLeading and writes nothing. A context without a leadership saves like Save.
func (s *ShiftStore) SaveLeading(lead context.Context, rule string, st shift.State) error {
	held, ok := leadershipOf(lead)
	if !ok {
		return s.Save(rule, st)
	}
	if lead.Err() != nil {
		return shift.ErrNotLeading
	}
	return s.save(lead, rule, st, &held)
}

// save writes st by compare-and-swap on the rule's key and, with fence, on the leader key.
func (s *ShiftStore) save(ctx context.Context, rule string, st shift.State, fence *leadership) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("shift state of %s: %w", rule, err)
	}
	s.mu.Lock()
	prev := s.seen[rule]
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	// A mod revision of 0 compares equal to a key that does not exist yet.
	cmps := []clientv3.Cmp{clientv3.Compare(clientv3.ModRevision(s.key(rule)), "=", prev)}
	if fence != nil {
		cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(fence.key), "=", fence.rev))
	}
	txn := s.c.cli.Txn(ctx).If(cmps...).Then(clientv3.OpPut(s.key(rule), string(data)))
	if fence != nil {
		txn = txn.Else(clientv3.OpGet(fence.key, clientv3.WithKeysOnly()))
	}
	resp, err := txn.Commit()
	if err != nil {
		return unavailable(err)
	}
	if !resp.Succeeded {
		if fence != nil && !holds(resp, fence) {
			return shift.ErrNotLeading
		}
		return shift.ErrConflict
	}
	s.setSeen(rule, resp.Header.Revision)
	s.keepCopy(rule, st)
	return nil
}

// holds reports whether the failed fenced save's Else read found the leader key as it was won.
func holds(resp *clientv3.TxnResponse, fence *leadership) bool {
	kvs := resp.Responses[0].GetResponseRange().Kvs
	return len(kvs) == 1 && kvs[0].CreateRevision == fence.rev
}

// Follow calls changed with the rule of every state another node saves, until ctx ends; the
// controller then loads it (under its own lock, so that what it holds and the revision its next
// save compares with always go together). When the watch
// breaks (etcd away, or compacted), every state is read again and the watch resumes after it.
func (s *ShiftStore) Follow(ctx context.Context, changed func(rule string)) {
	var next int64
	for ctx.Err() == nil {
		if next > 0 {
			next = s.watch(ctx, next, changed)
			if !sleep(ctx, 200*time.Millisecond) {
				return
			}
		}
		rev, err := s.readAll(ctx, changed)
		if err != nil {
			s.c.log.Warn("cannot read the shift states; following the last ones", "error", err)
			if !sleep(ctx, time.Second) {
				return
			}
			continue
		}
		next = rev + 1
	}
}

// readAll tells of every state newer than this node knew and returns the revision read at.
func (s *ShiftStore) readAll(ctx context.Context, changed func(string)) (int64, error) {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := s.c.cli.Get(rctx, s.prefix(), clientv3.WithPrefix())
	if err != nil {
		return 0, unavailable(err)
	}
	for _, kv := range resp.Kvs {
		s.deliver(kv.Key, kv.ModRevision, changed)
	}
	return resp.Header.Revision, nil
}

// watch delivers the changes from revision next until the watch ends, and returns the revision
// to go on from.
func (s *ShiftStore) watch(ctx context.Context, next int64, changed func(string)) int64 {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for resp := range s.c.cli.Watch(wctx, s.prefix(), clientv3.WithPrefix(), clientv3.WithRev(next)) {
		if err := resp.Err(); err != nil {
			s.c.log.Warn("watch of the shift states ended; reading them whole", "error", err)
			return next
		}
		for _, ev := range resp.Events {
			next = ev.Kv.ModRevision + 1
			if ev.Type == clientv3.EventTypePut {
				s.deliver(ev.Kv.Key, ev.Kv.ModRevision, changed)
			}
		}
	}
	return next
}

// deliver tells changed of a stored state newer than what this node knew: a node's own saves
// are known already and not told back.
func (s *ShiftStore) deliver(key []byte, rev int64, changed func(string)) {
	rule := s.rule(key)
	if rule == "" {
		return
	}
	s.mu.Lock()
	newer := rev > s.seen[rule]
	s.mu.Unlock()
	if newer {
		changed(rule)
	}
}
