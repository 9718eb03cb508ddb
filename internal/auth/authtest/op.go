// Package authtest runs a real OpenID provider for tests: zitadel/oidc's OpenID provider
// package (pkg/op) with its example storage and login page, served over TLS on 127.0.0.1. It is
// test support only; nothing in the load balancer imports it.
package authtest

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
)

// The example storage's users: Username and Password sign in as the user with Subject.
const (
	Username = "test-user@127.0.0.1"
	Password = "verysecure"
	Subject  = "id1"
	Email    = "test-user@zitadel.ch"
)

// ClientID and ClientSecret are the web client registered for the load balancer.
const (
	ClientID     = "albatross"
	ClientSecret = "albatross-secret"
)

// OP is a running OpenID provider.
type OP struct {
	// Issuer is https://127.0.0.1:<port>.
	Issuer string
	// CAFile is a PEM file with the certificate the provider serves, for SSL_CERT_FILE.
	CAFile string
	// Transport trusts the provider's certificate.
	Transport *http.Transport
	srv       *httptest.Server
}

// Endpoints of the example provider (its discovery document says the same).
func (o *OP) AuthorizationEndpoint() string { return o.Issuer + "/auth" }
func (o *OP) TokenEndpoint() string         { return o.Issuer + "/oauth/token" }
func (o *OP) UserInfoEndpoint() string      { return o.Issuer + "/userinfo" }
func (o *OP) JWKSEndpoint() string          { return o.Issuer + "/keys" }

// StartOP starts the provider with one web client (ClientID, ClientSecret) allowed to redirect
// to each of redirectURIs; wrap, when not nil, stands between clients and the provider (to
// break it on purpose). It stops when the test ends.
func StartOP(t testing.TB, wrap func(http.Handler) http.Handler, redirectURIs ...string) *OP {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	issuer := srv.URL
	clients := map[string]*storage.Client{ClientID: storage.WebClient(ClientID, ClientSecret, redirectURIs...)}
	var h http.Handler = exampleop.SetupServer(issuer, storage.NewStorageWithClients(storage.NewUserStore(issuer), clients), nil, false)
	if wrap != nil {
		h = wrap(h)
	}
	srv.Config.Handler = h
	ca := filepath.Join(t.TempDir(), "op-ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = pool
	return &OP{Issuer: issuer, CAFile: ca, Transport: tr, srv: srv}
}
