package reconcile

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// acmeDir is where ACME accounts and certificates are kept: <data-dir>/acme, the data dir
// being the parent of the cache dir (as for access logs).
func acmeDir(cacheDir string) string {
	if cacheDir == "" {
		return filepath.Join(os.TempDir(), "albatross", "acme")
	}
	return filepath.Join(filepath.Dir(filepath.Clean(cacheDir)), "acme")
}

// acmeSettings translates the listener's ACME certificate entries, and whether the first entry
// (the default certificate, TLS-01) is one. Each directory gets its own folder under dir:
// autocert keys certificates by name only, so two CAs issuing for one name must not share it.
func acmeSettings(l *config.Listener, dir string) ([]tlsconf.ACME, bool) {
	var out []tlsconf.ACME
	for _, c := range l.Certificates {
		a := c.ACME
		if a == nil {
			continue
		}
		sum := sha256.Sum256([]byte(a.DirectoryURL))
		out = append(out, tlsconf.ACME{
			Domains:      a.Domains,
			DirectoryURL: a.DirectoryURL,
			Email:        a.Email,
			Challenge:    a.EffectiveChallenge(),
			CARoots:      a.CARoots,
			CacheDir:     filepath.Join(dir, hex.EncodeToString(sum[:8])),
		})
	}
	return out, len(l.Certificates) > 0 && l.Certificates[0].ACME != nil
}

// answersHTTP01 reports whether HTTP listener l answers http-01 challenges: an HTTPS listener
// of its load balancer has an ACME entry validated with http-01 on l's port.
func answersHTTP01(lb *config.LoadBalancer, l *config.Listener) bool {
	for _, other := range lb.Listeners {
		for _, c := range other.Certificates {
			if a := c.ACME; a != nil && a.EffectiveChallenge() == config.ACMEChallengeHTTP01 && a.EffectiveHTTPPort() == l.Port {
				return true
			}
		}
	}
	return false
}
