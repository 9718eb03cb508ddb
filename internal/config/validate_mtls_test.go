package config

import "testing"

// https makes the base listener an HTTPS one with mutual authentication m.
func https(c *Config, m *MutualAuthentication) {
	lst(c).Protocol = "HTTPS"
	lst(c).Certificates = []Certificate{{CertificateFile: "c.pem", PrivateKeyFile: "k.pem"}}
	lst(c).MutualAuthentication = m
}

// TestValidateMutualAuthentication covers MTLS-01 and MTLS-06.
func TestValidateMutualAuthentication(t *testing.T) {
	t.Parallel()
	ma := lst0 + ".mutual_authentication"
	runValidation(t, []validationCase{
		{desc: "MTLS-01 passthrough", mutate: func(c *Config) { https(c, &MutualAuthentication{Mode: "passthrough"}) }},
		{desc: "MTLS-01 explicit off", mutate: func(c *Config) { https(c, &MutualAuthentication{Mode: "off"}) }},
		{desc: "MTLS-01 verify with trust store", mutate: func(c *Config) {
			https(c, &MutualAuthentication{Mode: "verify", TrustStore: []string{"ca.pem"},
				IgnoreClientCertificateExpiry: true, AdvertiseTrustStoreCaNames: "on"})
		}},
		{desc: "MTLS-01 unknown mode", want: paths(ma + ".mode"), mutate: func(c *Config) {
			https(c, &MutualAuthentication{Mode: "Verify"})
		}},
		{desc: "verify needs a trust store", want: paths(ma + ".trust_store"), mutate: func(c *Config) {
			https(c, &MutualAuthentication{Mode: "verify"})
		}},
		{desc: "verify with an empty path", want: paths(ma + ".trust_store[1]"), mutate: func(c *Config) {
			https(c, &MutualAuthentication{Mode: "verify", TrustStore: []string{"ca.pem", ""}})
		}},
		{desc: "passthrough takes no verify settings", want: paths(ma+".trust_store", ma+".ignore_client_certificate_expiry", ma+".advertise_trust_store_ca_names"), mutate: func(c *Config) {
			https(c, &MutualAuthentication{Mode: "passthrough", TrustStore: []string{"ca.pem"},
				IgnoreClientCertificateExpiry: true, AdvertiseTrustStoreCaNames: "on"})
		}},
		{desc: "MTLS-03 verify with revocation lists", mutate: func(c *Config) {
			https(c, &MutualAuthentication{Mode: "verify", TrustStore: []string{"ca.pem"}, TrustStoreRevocationLists: []string{"a.crl"}})
		}},
		{desc: "revocation lists: no empty path, at most 30 (MTLS-06)", want: paths(ma+".trust_store_revocation_lists", ma+".trust_store_revocation_lists[1]"), mutate: func(c *Config) {
			lists := make([]string, 31)
			for i := range lists {
				lists[i] = "a.crl"
			}
			lists[1] = ""
			https(c, &MutualAuthentication{Mode: "verify", TrustStore: []string{"ca.pem"}, TrustStoreRevocationLists: lists})
		}},
		{desc: "revocation lists only in verify mode", want: paths(ma + ".trust_store_revocation_lists"), mutate: func(c *Config) {
			https(c, &MutualAuthentication{Mode: "passthrough", TrustStoreRevocationLists: []string{"a.crl"}})
		}},
		{desc: "advertise is on or off", want: paths(ma + ".advertise_trust_store_ca_names"), mutate: func(c *Config) {
			https(c, &MutualAuthentication{Mode: "verify", TrustStore: []string{"ca.pem"}, AdvertiseTrustStoreCaNames: "true"})
		}},
		{desc: "HTTP listeners take no mutual authentication", want: paths(ma), mutate: func(c *Config) {
			lst(c).MutualAuthentication = &MutualAuthentication{Mode: "passthrough"}
		}},
		{desc: "HTTP listener with mode off is fine", mutate: func(c *Config) {
			lst(c).MutualAuthentication = &MutualAuthentication{Mode: "off"}
		}},
		{desc: "MTLS-06 a third verify listener", want: paths(lb0 + ".listeners[3].mutual_authentication"), mutate: func(c *Config) {
			https(c, &MutualAuthentication{Mode: "verify", TrustStore: []string{"ca.pem"}})
			for i := range 3 {
				l := *lst(c)
				l.Rules = nil
				l.Port = 9443 + i
				c.LoadBalancers[0].Listeners = append(c.LoadBalancers[0].Listeners, l)
			}
			c.LoadBalancers[0].Listeners[2].MutualAuthentication = &MutualAuthentication{Mode: "passthrough"}
		}},
	})
}

func TestDecodeMutualAuthentication(t *testing.T) {
	t.Parallel()
	l := fromYAML[Listener](`
port: 443
protocol: HTTPS
mutual_authentication:
  mode: verify
  trust_store: [ca.pem, more-cas.pem]
  ignore_client_certificate_expiry: true
  advertise_trust_store_ca_names: "on"
`)
	m := l.MutualAuthentication
	if m == nil || m.EffectiveMode() != "verify" || len(m.TrustStore) != 2 || !m.IgnoreClientCertificateExpiry || m.AdvertiseTrustStoreCaNames != "on" {
		t.Errorf("decoded %+v", m)
	}
	if (*MutualAuthentication)(nil).EffectiveMode() != "off" {
		t.Error("nil mutual authentication is not off")
	}
}
