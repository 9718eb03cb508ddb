package tlsconf

import (
	"crypto/tls"
	"testing"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// policyNames mirrors config.SSLPolicies (TLS-04); tlsconf may not import config.
var policyNames = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
	"ELBSecurityPolicy-TLS13-1-1-2021-06", "ELBSecurityPolicy-TLS13-1-0-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10",
	"ELBSecurityPolicy-FS-1-2-Res-2019-08", "ELBSecurityPolicy-FS-1-2-2019-08",
	"ELBSecurityPolicy-FS-1-1-2019-08", "ELBSecurityPolicy-FS-2018-06",
	"ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-TLS-1-2-2017-01",
	"ELBSecurityPolicy-TLS-1-1-2017-01", "ELBSecurityPolicy-2016-08",
	"ELBSecurityPolicy-TLS-1-0-2015-04", "ELBSecurityPolicy-2015-05",
}

func TestEveryPolicyIsMapped(t *testing.T) {
	t.Parallel()
	for _, name := range policyNames {
		p, ok := LookupPolicy(name)
		if !ok {
			t.Errorf("%s: not mapped", name)
			continue
		}
		if p.MinVersion > p.MaxVersion || (p.MaxVersion < tls.VersionTLS13 && len(p.CipherSuites) == 0) {
			t.Errorf("%s: inconsistent %+v", name, p)
		}
	}
	if len(policies) != len(policyNames) {
		t.Errorf("%d policies mapped, %d names known", len(policies), len(policyNames))
	}
	if _, ok := LookupPolicy("ELBSecurityPolicy-Custom"); ok {
		t.Error("a custom policy name was accepted (TLS-04: none exist)")
	}
}

// TestPolicyEnforcement (TLS-04): clients outside a policy's versions or suites fail the
// handshake; those inside succeed with the expected version.
func TestPolicyEnforcement(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "Test CA")
	rsaCert := certFile(t, ca, dir, "rsa", tlstest.Spec{CN: "site", DNSNames: []string{"site.test"}, Key: tlstest.RSA2048})
	testCases := []struct {
		desc, policy string
		client       *tls.Config
		wantVersion  uint16 // 0: the handshake must fail
	}{
		{desc: "TLS 1.1 client refused under a TLS 1.2 policy", policy: "ELBSecurityPolicy-TLS-1-2-2017-01",
			client: &tls.Config{MaxVersion: tls.VersionTLS11}},
		{desc: "TLS 1.1 client accepted under TLS-1-1-2017-01", policy: "ELBSecurityPolicy-TLS-1-1-2017-01",
			client: &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}, wantVersion: tls.VersionTLS11},
		{desc: "TLS 1.0 client accepted by the default policy 2016-08", policy: "",
			client: &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10}, wantVersion: tls.VersionTLS10},
		{desc: "2016-08 has no TLS 1.3", policy: "ELBSecurityPolicy-2016-08",
			client: &tls.Config{}, wantVersion: tls.VersionTLS12},
		{desc: "TLS13 policy negotiates TLS 1.3", policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
			client: &tls.Config{}, wantVersion: tls.VersionTLS13},
		{desc: "TLS 1.2 client refused under TLS13-1-3", policy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
			client: &tls.Config{MaxVersion: tls.VersionTLS12}},
		{desc: "RSA key exchange refused under an FS policy", policy: "ELBSecurityPolicy-FS-1-2-Res-2020-10",
			client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256}}},
		{desc: "CBC suite refused under a Res policy", policy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
			client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA}}},
		{desc: "CBC suite accepted under Ext2", policy: "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
			client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA}}, wantVersion: tls.VersionTLS12},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			srv, err := ServerConfig(Settings{Certificates: []CertFile{rsaCert}, Policy: tc.policy})
			if err != nil {
				t.Fatal(err)
			}
			cli := tc.client.Clone()
			cli.InsecureSkipVerify = true
			state, _, err := handshake(t, srv, cli)
			switch {
			case tc.wantVersion == 0 && err == nil:
				t.Errorf("handshake succeeded with %s, want refused", VersionName(state.Version))
			case tc.wantVersion != 0 && err != nil:
				t.Errorf("handshake failed: %v", err)
			case tc.wantVersion != 0 && state.Version != tc.wantVersion:
				t.Errorf("version %s, want %s", VersionName(state.Version), VersionName(tc.wantVersion))
			}
		})
	}
}

func TestALPNFollowsHTTP2Setting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := certFile(t, tlstest.NewCA(t, "CA"), dir, "site", tlstest.Spec{CN: "site"})
	for _, h2 := range []bool{true, false} {
		srv, err := ServerConfig(Settings{Certificates: []CertFile{f}, HTTP2: h2})
		if err != nil {
			t.Fatal(err)
		}
		state, _, err := handshake(t, srv, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2", "http/1.1"}})
		if err != nil {
			t.Fatal(err)
		}
		want := map[bool]string{true: "h2", false: "http/1.1"}[h2]
		if state.NegotiatedProtocol != want {
			t.Errorf("routing.http2.enabled=%v: ALPN %q, want %q (H2-01)", h2, state.NegotiatedProtocol, want)
		}
	}
}
