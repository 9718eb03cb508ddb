package config

import (
	"strings"
	"testing"
)

// acmeHTTPS makes the base listener an HTTPS one whose only certificate is the ACME entry a,
// and adds an HTTP listener on port 80 to the load balancer.
func acmeHTTPS(c *Config, a *ACMECertificate) {
	http80 := *lst(c)
	http80.Port, http80.Rules = 80, nil
	lst(c).Protocol = "HTTPS"
	lst(c).Certificates = []Certificate{{ACME: a}}
	c.LoadBalancers[0].Listeners = append(c.LoadBalancers[0].Listeners, http80)
}

func goodACME() *ACMECertificate {
	return &ACMECertificate{Domains: []string{"www.example.com"}, DirectoryURL: "https://acme-staging-v02.api.letsencrypt.org/directory"}
}

// TestValidateACME covers the ACME certificate entry (Albatross's own key).
func TestValidateACME(t *testing.T) {
	t.Parallel()
	c0 := lst0 + ".certificates[0]"
	a0 := c0 + ".acme"
	with := func(f func(a *ACMECertificate)) func(*Config) {
		return func(c *Config) {
			a := goodACME()
			f(a)
			acmeHTTPS(c, a)
		}
	}
	runValidation(t, []validationCase{
		{desc: "tls-alpn-01 by default", mutate: with(func(*ACMECertificate) {})},
		{desc: "http-01 on the load balancer's port 80", mutate: with(func(a *ACMECertificate) { a.Challenge = "http-01"; a.Email = "ops@example.com" })},
		{desc: "http-01 needs an HTTP listener on its port", want: paths(a0 + ".challenge"), mutate: with(func(a *ACMECertificate) { a.Challenge = "http-01"; a.HTTPPort = 8080 })},
		{desc: "http_port only with http-01", want: paths(a0 + ".http_port"), mutate: with(func(a *ACMECertificate) { a.HTTPPort = 80 })},
		{desc: "unknown challenge", want: paths(a0 + ".challenge"), mutate: with(func(a *ACMECertificate) { a.Challenge = "dns-01" })},
		{desc: "domains required", want: paths(a0 + ".domains"), mutate: with(func(a *ACMECertificate) { a.Domains = nil })},
		{desc: "wildcard, dotless, bad character, duplicate", want: paths(a0+".domains[0]", a0+".domains[1]", a0+".domains[2]", a0+".domains[4]"), mutate: with(func(a *ACMECertificate) {
			a.Domains = []string{"*.example.com", "localhost", "a_b.example.com", "www.example.com", "WWW.example.com"}
		})},
		{desc: "directory must be https", want: paths(a0 + ".directory_url"), mutate: with(func(a *ACMECertificate) { a.DirectoryURL = "http://acme.example.com/dir" })},
		{desc: "email must be an address", want: paths(a0 + ".email"), mutate: with(func(a *ACMECertificate) { a.Email = "ops" })},
		{desc: "files and acme together", want: paths(c0), mutate: func(c *Config) {
			acmeHTTPS(c, goodACME())
			lst(c).Certificates[0].CertificateFile = "c.pem"
		}},
	})
}

func TestDecodeACME(t *testing.T) {
	t.Parallel()
	l := fromYAML[Listener](`
port: 443
protocol: HTTPS
certificates:
  - acme: {domains: [www.example.com], directory_url: "https://acme.example/dir", email: a@b.c, challenge: http-01, http_port: 8080, ca_roots: roots.pem}
`)
	a := l.Certificates[0].ACME
	if a == nil || strings.Join(a.Domains, ",") != "www.example.com" || a.EffectiveChallenge() != "http-01" || a.EffectiveHTTPPort() != 8080 || a.CARoots != "roots.pem" || a.Email != "a@b.c" {
		t.Errorf("decoded %+v", a)
	}
	if (&ACMECertificate{}).EffectiveChallenge() != "tls-alpn-01" || (&ACMECertificate{}).EffectiveHTTPPort() != 80 {
		t.Error("defaults")
	}
}

// FuzzACMEDomain: the domain check never panics, and what it accepts has a dot, no wildcard
// and only DNS characters, as autocert and ACME CAs need.
func FuzzACMEDomain(f *testing.F) {
	for _, s := range []string{"www.example.com", "*.example.com", "localhost", "a..b", "-a.b", "é.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		if acmeDomainProblem(d) != "" {
			return
		}
		if !strings.Contains(strings.Trim(d, "."), ".") || strings.ContainsAny(d, "* _/:") || len(d) > 253 {
			t.Errorf("accepted %q", d)
		}
	})
}
