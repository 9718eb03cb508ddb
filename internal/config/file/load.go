// Package file loads the Albatross configuration from a YAML file and watches it for changes.
package file

import (
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// Load reads, decodes and validates the configuration file at path. Relative paths in it
// (function code directories, certificate and key files) are made absolute against the file's
// folder, as the contract says, and the files they name are checked: a missing code directory or
// an unreadable certificate is a problem with its path like any other.
//
// Load returns a decode or read error with a nil *Config. When the file decodes but has
// problems, it returns the decoded *Config together with a config.Problems error, so that callers
// can show what was read; serving it is up to them (the usual choice is to keep the last good
// configuration).
func Load(path string) (*config.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := config.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	Resolve(cfg, filepath.Dir(abs))
	var ps config.Problems
	if err := cfg.Validate(); err != nil && !errors.As(err, &ps) {
		return cfg, err
	}
	ps = append(ps, CheckFiles(cfg)...)
	return cfg, ps.Err()
}

// Resolve makes the relative paths of cfg absolute against dir: function code directories and
// certificate and key files. Absolute and empty paths are left alone.
func Resolve(cfg *config.Config, dir string) {
	join := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for i := range cfg.Functions {
		join(&cfg.Functions[i].Code)
	}
	for i := range cfg.LoadBalancers {
		for j := range cfg.LoadBalancers[i].Listeners {
			certs := cfg.LoadBalancers[i].Listeners[j].Certificates
			for k := range certs {
				join(&certs[k].CertificateFile)
				join(&certs[k].PrivateKeyFile)
				if a := certs[k].ACME; a != nil {
					join(&a.CARoots)
				}
			}
			if m := cfg.LoadBalancers[i].Listeners[j].MutualAuthentication; m != nil {
				for k := range m.TrustStore {
					join(&m.TrustStore[k])
				}
				for k := range m.TrustStoreRevocationLists {
					join(&m.TrustStoreRevocationLists[k])
				}
			}
		}
	}
}

// CheckFiles reports missing or unusable files named by cfg: function code directories, the
// bootstrap of provided runtimes that are not built by Albatross, and certificate key pairs.
func CheckFiles(cfg *config.Config) config.Problems {
	var ps config.Problems
	for i, f := range cfg.Functions {
		if f.Code == "" || f.Unavailable != "" {
			continue // reported by Validate, or not run at all
		}
		p := fmt.Sprintf("functions[%d].code", i)
		switch st, err := os.Stat(f.Code); {
		case err != nil:
			ps.Add(p, "directory %s does not exist", f.Code)
		case !st.IsDir():
			ps.Add(p, "%s is not a directory", f.Code)
		default:
			checkBootstrap(&ps, p, f)
		}
	}
	for i, lb := range cfg.LoadBalancers {
		for j, l := range lb.Listeners {
			for k, c := range l.Certificates {
				p := fmt.Sprintf("load_balancers[%d].listeners[%d].certificates[%d]", i, j, k)
				checkCertificate(&ps, p, c)
				if c.ACME != nil && c.ACME.CARoots != "" {
					checkCARoots(&ps, p+".acme.ca_roots", c.ACME.CARoots)
				}
			}
			if m := l.MutualAuthentication; m.EffectiveMode() == config.MTLSModeVerify && len(m.TrustStore) > 0 {
				p := fmt.Sprintf("load_balancers[%d].listeners[%d].mutual_authentication.trust_store", i, j)
				checkTrustStore(&ps, p, m.TrustStore)
				checkRevocationLists(&ps, p+"_revocation_lists", m)
			}
		}
	}
	return ps
}

// checkBootstrap: a provided runtime runs <code>/bootstrap, which must be an executable file
// unless Albatross builds it (build: go).
func checkBootstrap(ps *config.Problems, p string, f config.Function) {
	rt, ok := config.LookupRuntime(f.Runtime)
	if !ok || rt.Family != "provided" || f.Build != "" {
		return
	}
	bootstrap := filepath.Join(f.Code, "bootstrap")
	st, err := os.Stat(bootstrap)
	switch {
	case err != nil:
		ps.Add(p, "%s does not exist: a provided runtime runs it (or set build: go)", bootstrap)
	case !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0:
		ps.Add(p, "%s must be an executable file", bootstrap)
	}
}

// checkCertificate loads a certificate and key pair; ED25519 keys are refused as on AWS (TLS-01).
func checkCertificate(ps *config.Problems, p string, c config.Certificate) {
	if c.CertificateFile == "" || c.PrivateKeyFile == "" {
		return // reported by Validate
	}
	pair, err := tls.LoadX509KeyPair(c.CertificateFile, c.PrivateKeyFile)
	if err != nil {
		ps.Add(p, "cannot load %s and %s: %v", c.CertificateFile, c.PrivateKeyFile, err)
		return
	}
	if _, ok := pair.PrivateKey.(ed25519.PrivateKey); ok {
		ps.Add(p, "ED25519 keys are not supported (TLS-01): %s", c.PrivateKeyFile)
	}
}

// checkTrustStore loads the CA certificates of a verify-mode trust store (MTLS-01): at least
// one, at most 25 (MTLS-06).
func checkTrustStore(ps *config.Problems, p string, files []string) {
	for _, f := range files {
		if f == "" {
			return // reported by Validate
		}
	}
	n, err := tlsconf.CountCACertificates(files)
	switch {
	case err != nil:
		ps.Add(p, "%v", err)
	case n > tlsconf.MaxTrustStoreCAs:
		ps.Add(p, "at most %d CA certificates per trust store (MTLS-06), got %d", tlsconf.MaxTrustStoreCAs, n)
	}
}

// checkRevocationLists loads a verify-mode trust store's revocation lists: each must parse and
// be signed by a CA of the trust store (MTLS-03), within the MTLS-06 quotas.
func checkRevocationLists(ps *config.Problems, p string, m *config.MutualAuthentication) {
	if len(m.TrustStoreRevocationLists) == 0 || len(m.TrustStoreRevocationLists) > tlsconf.MaxRevocationLists || slices.Contains(m.TrustStoreRevocationLists, "") {
		return // reported by Validate
	}
	if _, err := tlsconf.CountCACertificates(m.TrustStore); err != nil {
		return // reported with the trust store
	}
	if _, err := tlsconf.LoadRevocations(m.TrustStoreRevocationLists, m.TrustStore); err != nil {
		ps.Add(p, "%v", err)
	}
}

// checkCARoots loads the PEM roots an ACME entry trusts for its directory's HTTPS.
func checkCARoots(ps *config.Problems, p, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		ps.Add(p, "%v", err)
		return
	}
	if !x509.NewCertPool().AppendCertsFromPEM(data) {
		ps.Add(p, "%s holds no PEM certificate", file)
	}
}
