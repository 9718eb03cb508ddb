package observe

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// testLeaf is a client certificate as a verify or passthrough listener would see it.
var testLeaf = &x509.Certificate{
	Subject:      pkix.Name{CommonName: "client.example.com", Organization: []string{"Example, Inc."}},
	NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	NotAfter:     time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	SerialNumber: big.NewInt(0x3A5B1),
}

// baseConnection is a successful TLS 1.2 handshake without a client certificate.
func baseConnection() *Connection {
	return &Connection{
		At: t0, Client: netip.MustParseAddrPort("203.0.113.1:36280"), ListenerPort: 443,
		Version: tls.VersionTLS12, CipherSuite: tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		Latency: 4036 * time.Microsecond, KeyExchange: tls.X25519,
		LoadBalancer: testLB, NodeIP: "10.0.1.5",
	}
}

var connectionOutcomes = []struct {
	desc string
	edit func(c *Connection)
}{
	{"successful handshake, no client certificate (CLOG-01)", func(c *Connection) {}},
	{"mTLS passthrough, TLS 1.3, hybrid post-quantum key exchange (CLOG-01, MTLS-02)", func(c *Connection) {
		c.Version, c.CipherSuite, c.KeyExchange = tls.VersionTLS13, tls.TLS_AES_128_GCM_SHA256, tls.X25519MLKEM768
		c.Leaf = testLeaf
	}},
	{"mTLS verify refused the certificate: no latency (MTLS-05)", func(c *Connection) {
		c.Version, c.CipherSuite, c.KeyExchange = tls.VersionTLS13, tls.TLS_AES_256_GCM_SHA384, tls.X25519
		c.Leaf, c.Failure = testLeaf, "ClientCertUntrusted"
	}},
	{"plain TLS failure before a version was chosen, IPv6 client (MTLS-05 UnmappedConnectionError)", func(c *Connection) {
		c.Client = netip.MustParseAddrPort("[2001:db8::7]:51234")
		c.Version, c.CipherSuite, c.KeyExchange, c.Failure = 0, 0, 0, UnmappedConnectionError
	}},
}

// TestConnectionLogGolden pins one entry per kind of connection attempt (CLOG-01, MTLS-05).
// Run with -update to rewrite testdata/connlog.golden.
func TestConnectionLogGolden(t *testing.T) {
	var got bytes.Buffer
	for _, o := range connectionOutcomes {
		c := baseConnection()
		o.edit(c)
		got.WriteString("# " + o.desc + "\n")
		got.Write(AppendConnectionLog(nil, c))
	}
	path := filepath.Join("testdata", "connlog.golden")
	testkit.Golden(t, *update, path, got.Bytes())
}

// connAthenaRegex splits an entry into CLOG-01's fields the way the Athena table for ALB
// connection logs does (written here, not copied): 13 documented fields, then the newest text's
// optional trailing ones.
var connAthenaRegex = regexp.MustCompile(`^([^ ]*) ([^ ]*) ([0-9]*) ([0-9]*) ([A-Za-z0-9.-]*) ([^ ]*) ([-.0-9]*) "([^"]*)" ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ?([^ ]*)? ?([^ ]*)? ?([^ ]*)?$`)

// TestConnectionLogFields: every golden outcome parses into the CLOG-01 fields in order, and the
// conn_trace_id equals the access log's for the same client and listener port.
func TestConnectionLogFields(t *testing.T) {
	t.Parallel()
	for _, o := range connectionOutcomes {
		t.Run(o.desc, func(t *testing.T) {
			t.Parallel()
			c := baseConnection()
			o.edit(c)
			line := strings.TrimSuffix(string(AppendConnectionLog(nil, c)), "\n")
			m := connAthenaRegex.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("entry does not parse: %s", line)
			}
			ex := &Exchange{Client: c.Client, ListenerPort: c.ListenerPort}
			if want := string(AppendConnTraceID(nil, ex.Client, ex.ListenerPort)); m[12] != want {
				t.Errorf("conn_trace_id %s, access log has %s", m[12], want)
			}
			wantStatus, wantLatency := "Success", "0.004"
			if c.Failure != "" {
				wantStatus, wantLatency = "Failed:"+c.Failure, "-"
			}
			if m[11] != wantStatus || m[7] != wantLatency {
				t.Errorf("tls_verify_status %q latency %q, want %q %q", m[11], m[7], wantStatus, wantLatency)
			}
			if m[14] != testLB || m[15] != "10.0.1.5" {
				t.Errorf("elb %q ip_address %q", m[14], m[15])
			}
		})
	}
}

// TestFailureCode: a refused client certificate keeps its MTLS-05 code through wrapping; any
// other failure is UnmappedConnectionError.
func TestFailureCode(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc string
		err  error
		want string
	}{
		{"success", nil, ""},
		{"verify error", &tlsconf.VerifyError{Code: "ClientCertExpired"}, "ClientCertExpired"},
		{"wrapped verify error", fmt.Errorf("tls: %w", &tlsconf.VerifyError{Code: "ClientCertCrlHit"}), "ClientCertCrlHit"},
		{"protocol mismatch", errors.New("tls: client offered only unsupported versions"), UnmappedConnectionError},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := failureCode(tc.err); got != tc.want {
				t.Errorf("failureCode = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestConnectionLogFiles: entries go to conn_log. files that are gzipped and uploaded under the
// AWS key layout when the period ends (CLOG-01, LOG-01).
func TestConnectionLogFiles(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		up := &memUploader{objects: map[string][]byte{}}
		l := NewConnectionLog(ConnectionLogOptions{Location: testLocation, Dir: dir, Uploader: up})
		for i := range 2 {
			c := baseConnection()
			c.At = time.Now().Add(time.Duration(i) * time.Second)
			l.Observe(c)
		}
		time.Sleep(DefaultLogInterval)
		synctest.Wait()
		if err := l.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		files := gzFiles(t, dir)
		if len(files) != 1 || len(up.objects) != 1 {
			t.Fatalf("files %v, uploads %d; want 1 and 1", files, len(up.objects))
		}
		if name := filepath.Base(files[0]); !strings.HasPrefix(name, "conn_log.000000000000_elasticloadbalancing_us-east-1_app.web.") {
			t.Errorf("file name %s", name)
		}
		if body := gunzip(t, files[0]); strings.Count(body, " Success TID_") != 2 {
			t.Errorf("file:\n%s", body)
		}
		if l.Dropped() != 0 {
			t.Errorf("dropped %d", l.Dropped())
		}
	})
}

// TestForListener: a listener's hook is the same value on every reload (listener options are
// compared), and its entries carry the configured port, not the bound socket's.
func TestForListener(t *testing.T) {
	t.Parallel()
	l := NewConnectionLog(ConnectionLogOptions{Location: testLocation, Dir: t.TempDir(), Buffer: 1})
	defer l.Close(context.Background())
	first := l.ForListener(443)
	if first != l.ForListener(443) || first == l.ForListener(8443) {
		t.Fatal("ForListener does not keep one hook per port")
	}
	h := &ListenerConnectionLog{log: &ConnectionLog{w: &rotatingLog[*Connection]{entries: make(chan *Connection, 1)}}, port: 443}
	server, client := net.Pipe()
	defer server.Close()
	defer client.Close()
	h.ObserveHandshake(server, tls.ConnectionState{}, time.Now(), errors.New("EOF"))
	if got := <-h.log.w.entries; got.ListenerPort != 443 || got.Failure != UnmappedConnectionError {
		t.Errorf("entry %+v", got)
	}
}
