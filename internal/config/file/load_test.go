package file

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

func TestLoadGood(t *testing.T) {
	t.Parallel()
	cfg, err := Load("testdata/good/albatross.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	dir, _ := filepath.Abs("testdata/good")
	for i, want := range []string{filepath.Join(dir, "functions/api"), filepath.Join(dir, "functions/hello")} {
		if got := cfg.Functions[i].Code; got != want {
			t.Errorf("functions[%d].code = %q, want %q (relative to the config folder)", i, got, want)
		}
	}
}

func TestLoadBad(t *testing.T) {
	t.Parallel()
	cfg, err := Load("testdata/bad/albatross.yaml")
	var ps config.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load error = %v, want config.Problems", err)
	}
	if cfg == nil {
		t.Fatal("Load returned no config with its problems")
	}
	want := []string{
		"functions[1].timeout",                           // from Validate
		"functions[0].code",                              // missing directory
		"functions[1].code",                              // provided runtime without bootstrap
		"load_balancers[0].listeners[0].certificates[0]", // missing certificate files
	}
	if got := ps.Paths(); !slices.Equal(got, want) {
		t.Fatalf("problem paths = %q, want %q\n%v", got, want, err)
	}
	dir, _ := filepath.Abs("testdata/bad")
	for i, sub := range []string{"functions/gone", "functions/nobootstrap/bootstrap", "certs/missing.pem"} {
		if p := filepath.Join(dir, sub); !strings.Contains(ps[i+1].Message, p) {
			t.Errorf("problem %q does not name %s", ps[i+1], p)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "none.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error = %v, want ErrNotExist", err)
	}
	bad := filepath.Join(dir, "typo.yaml")
	writeFile(t, bad, "load_balancers:\n  - nmae: web\n")
	cfg, err := Load(bad)
	if cfg != nil || err == nil || !strings.Contains(err.Error(), "line 2: field nmae not found") {
		t.Errorf("unknown key: cfg = %v, error = %v", cfg, err)
	}
	empty := filepath.Join(dir, "empty.yaml")
	writeFile(t, empty, "")
	if _, err := Load(empty); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

// TestLoadCertificates: TLS-01 key pairs are loaded; ED25519 keys are refused.
func TestLoadCertificates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	writePair(t, dir, "ec", &ecKey.PublicKey, ecKey)
	writePair(t, dir, "ed", edKey.Public(), edKey)
	writeFile(t, filepath.Join(dir, "albatross.yaml"), `
load_balancers:
  - name: web
    listeners:
      - port: 8443
        protocol: HTTPS
        certificates:
          - {certificate_file: ec.pem, private_key_file: ec.key}
          - {certificate_file: ed.pem, private_key_file: ed.key}
          - {certificate_file: ec.pem, private_key_file: ed.key}
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "200"}}]
`)
	_, err := Load(filepath.Join(dir, "albatross.yaml"))
	var ps config.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load error = %v, want problems", err)
	}
	p := "load_balancers[0].listeners[0].certificates"
	if got, want := ps.Paths(), []string{p + "[1]", p + "[2]"}; !slices.Equal(got, want) {
		t.Errorf("problem paths = %q, want %q\n%v", got, want, err)
	}
	if !strings.Contains(ps[0].Message, "ED25519") {
		t.Errorf("problem %q does not mention ED25519", ps[0])
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writePair writes a self-signed certificate <name>.pem and its PKCS#8 key <name>.key.
func writePair(t *testing.T, dir, name string, pub, priv any) {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	key, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, name+".pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, filepath.Join(dir, name+".key"), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})))
}
