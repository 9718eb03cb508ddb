package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
)

// requestTimeout bounds each etcd request: an unreachable etcd must turn an API write into a
// 503 in seconds, never a hung request.
const requestTimeout = 5 * time.Second

// reconnectBackoff paces the client's attempts to reach etcd again after it went away. gRPC's
// default grows to 120 s between attempts, so that a node would follow the state, lead, and
// take writes again up to two minutes after etcd returned (the e2e cluster test saw 12 s after
// a 22 s outage); a few nodes dialling every 2 s cost etcd nothing.
var reconnectBackoff = backoff.Config{BaseDelay: 250 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second}

// TLSFiles are the client TLS files of --store-ca, --store-cert and --store-key.
type TLSFiles struct{ CA, Cert, Key string }

// Options configure Connect.
type Options struct {
	Store Store
	TLS   TLSFiles
	// Node names this node in elections and logs.
	Node   string
	Logger *slog.Logger
}

// Cluster is this node's link to etcd.
type Cluster struct {
	cli    *clientv3.Client
	prefix string
	node   string
	log    *slog.Logger
}

// Connect makes the etcd client. It does not wait for etcd: the first request does.
func Connect(opts Options) (*Cluster, error) {
	cfg := clientv3.Config{
		Endpoints:   opts.Store.Endpoints,
		DialTimeout: requestTimeout,
		Username:    opts.Store.User,
		Password:    opts.Store.Password,
		// Keepalives notice a dead etcd member on an idle connection, so that the client moves
		// to another endpoint.
		DialKeepAliveTime:    5 * time.Second,
		DialKeepAliveTimeout: 5 * time.Second,
		// etcd's client logs through zap; what matters is reported through our own errors.
		Logger: zap.NewNop(),
		DialOptions: []grpc.DialOption{grpc.WithConnectParams(grpc.ConnectParams{
			Backoff: reconnectBackoff, MinConnectTimeout: requestTimeout})},
	}
	if opts.Store.TLS || opts.TLS != (TLSFiles{}) {
		tc, err := tlsConfig(opts.TLS)
		if err != nil {
			return nil, err
		}
		cfg.TLS = tc
	}
	cli, err := clientv3.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("--store: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Cluster{cli: cli, prefix: opts.Store.Prefix, node: opts.Node, log: log}, nil
}

func tlsConfig(f TLSFiles) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if f.CA != "" {
		pem, err := os.ReadFile(f.CA)
		if err != nil {
			return nil, fmt.Errorf("--store-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--store-ca %s: no PEM certificate in it", f.CA)
		}
		tc.RootCAs = pool
	}
	if (f.Cert == "") != (f.Key == "") {
		return nil, errors.New("--store-cert and --store-key go together")
	}
	if f.Cert != "" {
		cert, err := tls.LoadX509KeyPair(f.Cert, f.Key)
		if err != nil {
			return nil, fmt.Errorf("--store-cert/--store-key: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// Close ends the client (leases held by this node expire in etcd by themselves).
func (c *Cluster) Close() error { return c.cli.Close() }

// Node returns this node's name.
func (c *Cluster) Node() string { return c.node }

// Check reports whether etcd answers, for /healthz: nil when it does.
func (c *Cluster) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	// A serializable read is answered by any member without a round through the leader; a
	// member cut off from the others still counts as reachable here, and the writes, which need
	// the quorum, answer 503.
	if _, err := c.cli.Get(ctx, c.prefix+"/health", clientv3.WithSerializable()); err != nil {
		return fmt.Errorf("etcd unreachable: %w", err)
	}
	return nil
}

// key returns the etcd key of name under the prefix.
func (c *Cluster) key(name string) string { return c.prefix + "/" + name }
