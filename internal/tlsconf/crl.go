package tlsconf

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
)

// Trust store revocation quotas (MTLS-06).
const (
	MaxRevocationLists   = 30
	MaxRevocationEntries = 500000
	MaxRevocationFile    = 50 << 20
)

// Revocations are the serial numbers revoked by a trust store's revocation lists, by issuer.
// The zero value revokes nothing.
type Revocations struct {
	// byIssuer maps an issuer's raw subject to its revoked serials (decimal strings).
	byIssuer map[string]map[string]bool
	entries  int
}

// Entries is the number of revoked serials in all lists.
func (r *Revocations) Entries() int { return r.entries }

// LoadRevocations reads CRL files (PEM "X509 CRL" blocks or one DER list each), as an ALB trust
// store's revocation lists (MTLS-03). Each list must be signed by a CA of the trust store:
// a list nobody in the trust store signed could revoke nothing the ALB checks, and a forged
// one must not be able to lock clients out. nextUpdate is not enforced: like the ALB's
// imported lists, a file stays in force until it is replaced.
func LoadRevocations(files []string, trustStore []string) (*Revocations, error) {
	r := &Revocations{byIssuer: map[string]map[string]bool{}}
	if len(files) == 0 {
		return r, nil
	}
	if len(files) > MaxRevocationLists {
		return nil, fmt.Errorf("revocation lists: at most %d per trust store (MTLS-06), got %d", MaxRevocationLists, len(files))
	}
	cas, err := readCAs(trustStore)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		lists, err := readCRLs(f)
		if err != nil {
			return nil, err
		}
		for _, l := range lists {
			if err := checkSignedByTrustStore(l, cas); err != nil {
				return nil, fmt.Errorf("revocation list %s: %w", f, err)
			}
			serials := r.byIssuer[string(l.RawIssuer)]
			if serials == nil {
				serials = map[string]bool{}
				r.byIssuer[string(l.RawIssuer)] = serials
			}
			for _, e := range l.RevokedCertificateEntries {
				serials[serialKey(e.SerialNumber)] = true
			}
			r.entries += len(l.RevokedCertificateEntries)
		}
	}
	if r.entries > MaxRevocationEntries {
		return nil, fmt.Errorf("revocation lists: at most %d revoked certificates per trust store (MTLS-06), got %d", MaxRevocationEntries, r.entries)
	}
	return r, nil
}

func readCRLs(file string) ([]*x509.RevocationList, error) {
	st, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("revocation list: %w", err)
	}
	if st.Size() > MaxRevocationFile {
		return nil, fmt.Errorf("revocation list %s: larger than %d MB (MTLS-06)", file, MaxRevocationFile>>20)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("revocation list: %w", err)
	}
	var ders [][]byte
	if bytes.Contains(data, []byte("-----BEGIN")) {
		for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
			if block.Type == "X509 CRL" {
				ders = append(ders, block.Bytes)
			}
		}
	} else {
		ders = [][]byte{data}
	}
	if len(ders) == 0 {
		return nil, fmt.Errorf("revocation list %s: no X509 CRL block found", file)
	}
	lists := make([]*x509.RevocationList, len(ders))
	for i, der := range ders {
		l, err := x509.ParseRevocationList(der)
		if err != nil {
			return nil, fmt.Errorf("revocation list %s: %w", file, err)
		}
		lists[i] = l
	}
	return lists, nil
}

func checkSignedByTrustStore(l *x509.RevocationList, cas []*x509.Certificate) error {
	var last error
	for _, ca := range cas {
		if !bytes.Equal(ca.RawSubject, l.RawIssuer) {
			continue
		}
		if last = l.CheckSignatureFrom(ca); last == nil {
			return nil
		}
	}
	if last != nil {
		return fmt.Errorf("signature does not verify against the trust store CA %s: %w", l.Issuer, last)
	}
	return fmt.Errorf("issuer %s is not a CA of the trust store", l.Issuer)
}

// revoked reports whether one certificate of a verified chain is on a list of its issuer. The
// whole chain is checked, so revoking an intermediate CA cuts off every client under it.
func (r *Revocations) revoked(chain []*x509.Certificate) (*x509.Certificate, bool) {
	if r == nil || len(r.byIssuer) == 0 {
		return nil, false
	}
	for _, c := range chain {
		if serials := r.byIssuer[string(c.RawIssuer)]; serials[serialKey(c.SerialNumber)] {
			return c, true
		}
	}
	return nil, false
}

func serialKey(n *big.Int) string { return n.String() }

// crlHit is the verification failure of a revoked certificate: the connection log's
// ClientCertCrlHit (MTLS-05).
func crlHit(c *x509.Certificate) error {
	return &VerifyError{Code: "ClientCertCrlHit", Err: errors.New("certificate " + c.Subject.String() + " serial " + c.SerialNumber.String() + " is revoked")}
}
