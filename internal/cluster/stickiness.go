package cluster

import (
	"context"
	"fmt"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// StickinessKey returns the key every node seals stickiness cookies with, so that a cookie one
// node set is honoured by all. The first node to ask stores its own (candidate, the key of its
// data directory: cookies it set before joining stay valid); every later node gets that one.
// The key is written once and never changes.
func (c *Cluster) StickinessKey(ctx context.Context, candidate []byte) ([]byte, error) {
	key := c.key("stickiness.key")
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := c.cli.Txn(ctx).
		If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0)).
		Then(clientv3.OpPut(key, string(candidate))).
		Else(clientv3.OpGet(key)).
		Commit()
	if err != nil {
		return nil, fmt.Errorf("reading the cluster's stickiness key: %w", unavailable(err))
	}
	if resp.Succeeded {
		return candidate, nil
	}
	kvs := resp.Responses[0].GetResponseRange().Kvs
	if len(kvs) == 0 || len(kvs[0].Value) != len(candidate) {
		return nil, fmt.Errorf("the cluster's stickiness key %s: want %d bytes", key, len(candidate))
	}
	return kvs[0].Value, nil
}
