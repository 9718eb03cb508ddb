package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/state"
	"github.com/albatross-lb/albatross/internal/testkit"
)

// etcdBinary is Debian's etcd-server (scripts/install-test-deps.sh installs it).
const etcdBinary = "/usr/bin/etcd"

// startEtcd runs a real one-member etcd on loopback ports and returns its client address.
func startEtcd(t *testing.T) string {
	t.Helper()
	return startEtcdWith(t, "http", nil)
}

// startEtcdWith runs etcd serving clients over scheme (http or https) with extra flags.
func startEtcdWith(t *testing.T, scheme string, extra []string) string {
	t.Helper()
	if _, err := os.Stat(etcdBinary); err != nil {
		t.Skipf("%s is missing (Debian's etcd-server; scripts/install-test-deps.sh installs it)", etcdBinary)
	}
	client, peer := loopbackPort(t), loopbackPort(t)
	logs := &testkit.Buffer{}
	cmd := exec.Command(etcdBinary, append([]string{"--name", "unit", "--data-dir", filepath.Join(t.TempDir(), "etcd"),
		"--listen-client-urls", scheme + "://" + client, "--advertise-client-urls", scheme + "://" + client,
		"--listen-peer-urls", "http://" + peer, "--initial-advertise-peer-urls", "http://" + peer,
		"--initial-cluster", "unit=http://" + peer, "--log-level", "warn"}, extra...)...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("etcd logs:\n%s", logs.String())
		}
	})
	hc := &http.Client{Timeout: time.Second}
	health := "http://" + client + "/health"
	if scheme == "https" {
		// etcd answers /health on its TLS port only to a client with a certificate: wait for
		// the port instead.
		health = ""
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var resp *http.Response
		var err error
		if health == "" {
			var c net.Conn
			if c, err = net.DialTimeout("tcp", client, time.Second); err == nil {
				c.Close()
				return client
			}
		} else if resp, err = hc.Get(health); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				hc.CloseIdleConnections()
				return client
			}
		}
		select {
		case <-exited:
			t.Fatalf("etcd exited:\n%s", logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("etcd not healthy: %v\n%s", err, logs.String())
		}
	}
}

func loopbackPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func connect(t *testing.T, endpoint, node string) *Cluster {
	t.Helper()
	st, err := ParseStore("etcd://" + endpoint + "/unit")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Connect(Options{Store: st, Node: node, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestEtcd runs the parts of the cluster link against one real etcd.
func TestEtcd(t *testing.T) {
	endpoint := startEtcd(t)
	ctx := context.Background()

	t.Run("SaveComparesTheRevision", func(t *testing.T) {
		b := connect(t, endpoint, "a").StateBackend()
		_, rev, err := b.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		one := &state.Resources{TargetGroups: []state.TargetGroup{{Source: state.SourceAPI, Spec: config.TargetGroup{Name: "one"}}}}
		saved, err := b.Save(ctx, one, rev)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Save(ctx, &state.Resources{}, rev); !errors.Is(err, state.ErrConflict) {
			t.Fatalf("a save on a stale revision: %v; want ErrConflict", err)
		}
		got, now, err := b.Load(ctx)
		if err != nil || got.TargetGroupByName("one") == nil || now.Mod != saved.Mod {
			t.Fatalf("after the refused save: %+v at %+v (%v); want one at %+v", got, now, err, saved)
		}
	})

	t.Run("CodeInChunks", func(t *testing.T) {
		c := connect(t, endpoint, "a")
		zipped := make([]byte, 2*codeChunk+123) // three chunks
		_, _ = rand.Read(zipped)
		if err := c.PutCode(ctx, zipped); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(zipped)
		got, err := connect(t, endpoint, "b").GetCode(ctx, hex.EncodeToString(sum[:]))
		if err != nil || !bytes.Equal(got, zipped) {
			t.Fatalf("GetCode: %d bytes, %v; want the %d bytes stored", len(got), err, len(zipped))
		}
		// A chunk changed in etcd is caught by the hash, never unpacked.
		if _, err := c.cli.Put(ctx, c.codeKey(hex.EncodeToString(sum[:]))+"/000001", "tampered"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetCode(ctx, hex.EncodeToString(sum[:])); err == nil {
			t.Fatal("GetCode returned code that does not match its SHA-256")
		}
		if _, err := c.GetCode(ctx, hex.EncodeToString(make([]byte, 32))); !errors.Is(err, ErrNoCode) {
			t.Fatalf("GetCode of code never stored: %v; want ErrNoCode", err)
		}
		// A manifest that claims more than its chunks can hold is refused before anything is
		// allocated for it: every node reads it, and none may fall over.
		huge := hex.EncodeToString(bytes.Repeat([]byte{7}, 32))
		if _, err := c.cli.Put(ctx, c.codeKey(huge), `{"size":4611686018427387904,"chunks":1}`); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetCode(ctx, huge); err == nil || !strings.Contains(err.Error(), "manifest") {
			t.Fatalf("GetCode with a lying manifest: %v; want the manifest refused", err)
		}
	})

	t.Run("StickinessKeyIsTheFirstNodes", func(t *testing.T) {
		first, second := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
		k1, err := connect(t, endpoint, "a").StickinessKey(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		k2, err := connect(t, endpoint, "b").StickinessKey(ctx, second)
		if err != nil || !bytes.Equal(k1, first) || !bytes.Equal(k2, first) {
			t.Fatalf("keys %x and %x (%v); want both the first node's", k1, k2, err)
		}
	})

	t.Run("LeadershipHandedOver", func(t *testing.T) {
		a, b := connect(t, endpoint, "node-a"), connect(t, endpoint, "node-b")
		leading := make(chan string)
		lead := func(c *Cluster, ctx context.Context) func() {
			done := make(chan struct{})
			go func() {
				defer close(done)
				c.Lead(ctx, "shift", func(lctx context.Context) {
					leading <- c.Node()
					<-lctx.Done()
				})
			}()
			return func() { <-done }
		}
		actx, stopA := context.WithCancel(ctx)
		waitA := lead(a, actx)
		if got := <-leading; got != "node-a" {
			t.Fatalf("first leader %s; want node-a", got)
		}
		bctx, stopB := context.WithCancel(ctx)
		waitB := lead(b, bctx)
		defer func() { stopB(); waitB() }()
		if who, err := b.Leader(ctx, "shift"); err != nil || who != "node-a" {
			t.Fatalf("Leader: %q %v; want node-a", who, err)
		}
		select {
		case got := <-leading:
			t.Fatalf("%s leads while node-a does", got)
		case <-time.After(200 * time.Millisecond):
		}
		stopA() // node-a stops: it resigns, and node-b takes over
		waitA()
		select {
		case got := <-leading:
			if got != "node-b" {
				t.Fatalf("second leader %s; want node-b", got)
			}
		case <-time.After(time.Duration(2*leaseTTL) * time.Second):
			t.Fatal("node-b never took over")
		}
	})

	t.Run("ARunThatReturnsCampaignsAfterAPause", func(t *testing.T) {
		c := connect(t, endpoint, "restless")
		var runs atomic.Int32
		first := make(chan struct{}, 1)
		lctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.Lead(lctx, "restless", func(context.Context) {
				runs.Add(1)
				select {
				case first <- struct{}{}:
				default:
				}
			})
		}()
		<-first
		// Without the pause the node takes and resigns the leadership in a tight loop, hundreds
		// of times in this window; with it, at most once more.
		time.Sleep(campaignPause + campaignPause/2)
		stop()
		<-done
		if n := runs.Load(); n > 2 {
			t.Fatalf("run ran %d times within 1.5 pauses of the first; want at most 2", n)
		}
	})

	t.Run("LeadershipOutlivesADeadLeader", func(t *testing.T) {
		a, b := connect(t, endpoint, "dead"), connect(t, endpoint, "heir")
		leading := make(chan string, 2)
		lead := func(c *Cluster) func() {
			ctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() {
				defer close(done)
				c.Lead(ctx, "dead-leader", func(lctx context.Context) {
					leading <- c.Node()
					<-lctx.Done()
				})
			}()
			return func() { cancel(); <-done }
		}
		stopA := lead(a)
		defer stopA()
		if got := <-leading; got != "dead" {
			t.Fatalf("first leader %s; want dead", got)
		}
		stopB := lead(b)
		defer stopB()
		// The leader's client closes under it, as when its process dies: whether its
		// resignation still reaches etcd or its lease lapses (leaseTTL), the heir takes over.
		_ = a.cli.Close()
		select {
		case got := <-leading:
			if got != "heir" {
				t.Fatalf("after the leader died %s leads; want heir", got)
			}
		case <-time.After(time.Duration(3*leaseTTL) * time.Second):
			t.Fatal("the heir never took over from the dead leader")
		}
	})
}
