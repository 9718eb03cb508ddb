package config

import (
	"net/url"
	"strings"
)

// acmeCertificate checks an ACME certificate entry (Albatross's own): it replaces the files,
// names DNS names an ACME CA can validate, an https directory, a known challenge and, for
// http-01, an HTTP listener of the same load balancer to answer it.
func (v *validator) acmeCertificate(p string, lb *LoadBalancer, c Certificate) {
	if c.CertificateFile != "" || c.PrivateKeyFile != "" {
		v.ps.Add(p, "takes either certificate_file and private_key_file or acme, not both")
	}
	a, ap := c.ACME, key(p, "acme")
	if len(a.Domains) == 0 {
		v.ps.Add(key(ap, "domains"), "is required: the names to obtain certificates for")
	}
	seen := map[string]bool{}
	for i, d := range a.Domains {
		if msg := acmeDomainProblem(d); msg != "" {
			v.ps.Add(idx(key(ap, "domains"), i), "%s, got %q", msg, d)
		}
		if seen[strings.ToLower(d)] {
			v.ps.Add(idx(key(ap, "domains"), i), "%q is listed twice", d)
		}
		seen[strings.ToLower(d)] = true
	}
	if u, err := url.Parse(a.DirectoryURL); a.DirectoryURL == "" || err != nil || u.Scheme != "https" || u.Host == "" {
		v.ps.Add(key(ap, "directory_url"), "must be the https:// URL of an ACME directory, got %q", a.DirectoryURL)
	}
	if a.Email != "" && (!strings.Contains(a.Email, "@") || strings.ContainsAny(a.Email, " \t\r\n,")) {
		v.ps.Add(key(ap, "email"), "must be an email address, got %q", a.Email)
	}
	switch a.Challenge {
	case "", ACMEChallengeTLSALPN01:
		if a.HTTPPort != 0 {
			v.ps.Add(key(ap, "http_port"), "is only used with challenge http-01")
		}
	case ACMEChallengeHTTP01:
		port := a.EffectiveHTTPPort()
		if port < 1 || port > 65535 {
			v.ps.Add(key(ap, "http_port"), "must be 1..65535, got %d", port)
		} else if !hasHTTPListener(lb, port) {
			v.ps.Add(key(ap, "challenge"), "http-01 is answered by an HTTP listener of the same load balancer on port %d; there is none", port)
		}
	default:
		v.ps.Add(key(ap, "challenge"), "must be tls-alpn-01 or http-01, got %q", a.Challenge)
	}
}

// acmeDomainProblem says why d cannot be an ACME name here, or "". Wildcards need dns-01,
// which Albatross does not answer; autocert refuses names without a dot.
func acmeDomainProblem(d string) string {
	switch {
	case strings.Contains(d, "*"):
		return "wildcard names need the dns-01 challenge, which is not supported"
	case !strings.Contains(strings.Trim(d, "."), "."):
		return "must be a DNS name with at least one dot"
	case len(d) > 253:
		return "must be at most 253 characters"
	}
	for _, label := range strings.Split(strings.TrimSuffix(d, "."), ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return "must be a DNS name (labels of 1-63 letters, digits and inner hyphens)"
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return "must be a DNS name (labels of 1-63 letters, digits and inner hyphens)"
			}
		}
	}
	return ""
}

// hasHTTPListener reports whether lb has an HTTP listener on port.
func hasHTTPListener(lb *LoadBalancer, port int) bool {
	for _, l := range lb.Listeners {
		if l.Port == port && l.EffectiveProtocol() == ProtocolHTTP {
			return true
		}
	}
	return false
}
