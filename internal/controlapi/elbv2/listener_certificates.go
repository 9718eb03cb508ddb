package elbv2

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// A listener's certificates are PEM files on this host. The API names them as ACM does, by
// ARN: the ARN Albatross derives from each certificate's leaf (tlsconf.CertificateARN), the one
// DescribeListenerCertificates and the access log's chosen_cert_arn show. A CreateListener or
// ModifyListener call may name any certificate Albatross knows (docs/api.md "HTTPS listeners"):
// one on a listener of the configuration file, or a pair in the certificate folder
// (Options.CertificateDir). The listener then keeps the files' paths, so that it is validated,
// loaded and reloaded like a listener of the file.

// knownCertificates returns the certificates an API call may name, by ARN.
func (h *Handler) knownCertificates(snap *state.Snapshot) map[string]config.Certificate {
	owner := tlsconf.ARNOwner{Region: snap.Config.EffectiveRegion(), AccountID: snap.Config.EffectiveAccountID()}
	known := map[string]config.Certificate{}
	for _, lb := range snap.Config.LoadBalancers {
		for _, l := range lb.Listeners {
			for _, c := range l.Certificates {
				if c.CertificateFile == "" || c.ACME != nil {
					continue
				}
				if arn, err := tlsconf.CertificateFileARN(owner, c.CertificateFile); err == nil {
					known[arn] = config.Certificate{CertificateFile: c.CertificateFile, PrivateKeyFile: c.PrivateKeyFile}
				}
			}
		}
	}
	for arn, c := range folderCertificates(owner, h.certDir) {
		known[arn] = c
	}
	return known
}

// folderCertificates reads dir's certificates: each <name>.pem holds a certificate chain, leaf
// first, and its private key is <name>.key beside it or inside the .pem. Pairs that do not load
// (a key that does not match, a broken file) are left out: a listener must never be given a
// certificate that cannot serve.
func folderCertificates(owner tlsconf.ARNOwner, dir string) map[string]config.Certificate {
	if dir == "" {
		return nil
	}
	pems, _ := filepath.Glob(filepath.Join(dir, "*.pem"))
	out := map[string]config.Certificate{}
	for _, certFile := range pems {
		keyFile := strings.TrimSuffix(certFile, ".pem") + ".key"
		if _, err := os.Stat(keyFile); err != nil {
			keyFile = certFile
		}
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil || len(pair.Certificate) == 0 {
			continue
		}
		if _, err := x509.ParseCertificate(pair.Certificate[0]); err != nil {
			continue
		}
		out[tlsconf.CertificateARN(owner, pair.Certificate[0])] = config.Certificate{CertificateFile: certFile, PrivateKeyFile: keyFile}
	}
	return out
}

// resolveCertificate finds the certificate an ARN names.
func (h *Handler) resolveCertificate(snap *state.Snapshot, arn string) (config.Certificate, error) {
	known := h.knownCertificates(snap)
	if c, ok := known[arn]; ok {
		return c, nil
	}
	arns := make([]string, 0, len(known))
	for k := range known {
		arns = append(arns, k)
	}
	slices.Sort(arns)
	hint := "no certificates are known: put a <name>.pem and <name>.key into the data directory's certificates folder, or give a listener of the configuration file the certificate"
	if len(arns) > 0 {
		hint = "known certificates: " + strings.Join(arns, ", ")
	}
	return config.Certificate{}, controlapi.Errorf("CertificateNotFound", "Certificate '%s' not found (%s)", arn, hint)
}

// certificateARNs reads Certificates.member.N.CertificateArn. CreateListener and ModifyListener
// take exactly one, the default certificate (A.6); more go through AddListenerCertificates.
func certificateARNs(f controlapi.Form) ([]string, error) {
	var arns []string
	for _, m := range f.Members("Certificates") {
		arn := m.String("CertificateArn")
		if arn == "" {
			return nil, controlapi.Errorf("ValidationError", "A certificate ARN must be specified")
		}
		arns = append(arns, arn)
	}
	if len(arns) > 1 {
		return nil, controlapi.Errorf("ValidationError", "You must provide exactly one certificate: the listener's default certificate")
	}
	return arns, nil
}
