package file

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// TestLoadTrustStore: trust store paths are relative to the config file, must hold CA
// certificates (MTLS-01) and at most 25 of them (MTLS-06).
func TestLoadTrustStore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	site := tlstest.NewCA(t, "Site CA").Issue(t, tlstest.Spec{CN: "site"})
	site.WriteFiles(t, dir, "site")
	tlstest.NewCA(t, "Client CA").WriteFiles(t, dir, "ca")
	var many []byte
	for range 26 {
		many = append(many, tlstest.NewCA(t, "CA").CertPEM()...)
	}
	if err := os.WriteFile(filepath.Join(dir, "many.pem"), many, 0o600); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "notpem.pem"), "nothing here")
	listener := func(port, trust string) string {
		return `
      - port: ` + port + `
        protocol: HTTPS
        certificates: [{certificate_file: site.pem, private_key_file: site.key}]
        mutual_authentication: {mode: verify, trust_store: [` + trust + `]}
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "200"}}]`
	}
	writeFile(t, filepath.Join(dir, "albatross.yaml"), `
load_balancers:
  - name: web
    listeners:`+listener("8443", "ca.pem")+listener("8444", "many.pem")+`
  - name: other
    listeners:`+listener("8445", "notpem.pem"))
	_, err := Load(filepath.Join(dir, "albatross.yaml"))
	var ps config.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load error = %v, want problems", err)
	}
	want := []string{
		"load_balancers[0].listeners[1].mutual_authentication.trust_store",
		"load_balancers[1].listeners[0].mutual_authentication.trust_store",
	}
	if got := ps.Paths(); !slices.Equal(got, want) {
		t.Errorf("problem paths = %q, want %q\n%v", got, want, err)
	}
}

// TestLoadRevocationLists: revocation list paths are relative to the config file; a list must
// parse and be signed by a CA of its trust store (MTLS-03).
func TestLoadRevocationLists(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tlstest.NewCA(t, "Site CA").Issue(t, tlstest.Spec{CN: "site"}).WriteFiles(t, dir, "site")
	ca := tlstest.NewCA(t, "Client CA")
	ca.WriteFiles(t, dir, "ca")
	writeFile(t, filepath.Join(dir, "good.crl"), string(ca.CRL(t)))
	writeFile(t, filepath.Join(dir, "foreign.crl"), string(tlstest.NewCA(t, "Other CA").CRL(t)))
	listener := func(port, crl string) string {
		return `
      - port: ` + port + `
        protocol: HTTPS
        certificates: [{certificate_file: site.pem, private_key_file: site.key}]
        mutual_authentication: {mode: verify, trust_store: [ca.pem], trust_store_revocation_lists: [` + crl + `]}
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "200"}}]`
	}
	writeFile(t, filepath.Join(dir, "albatross.yaml"), `
load_balancers:
  - name: web
    listeners:`+listener("8443", "good.crl")+listener("8444", "foreign.crl")+`
  - name: other
    listeners:`+listener("8445", "missing.crl"))
	_, err := Load(filepath.Join(dir, "albatross.yaml"))
	var ps config.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load error = %v, want problems", err)
	}
	want := []string{
		"load_balancers[0].listeners[1].mutual_authentication.trust_store_revocation_lists",
		"load_balancers[1].listeners[0].mutual_authentication.trust_store_revocation_lists",
	}
	if got := ps.Paths(); !slices.Equal(got, want) {
		t.Errorf("problem paths = %q, want %q\n%v", got, want, err)
	}
}
