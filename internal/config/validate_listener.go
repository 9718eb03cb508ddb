package config

import (
	"net/netip"
	"slices"
	"strconv"
)

// Listener protocols (LST-01).
const (
	ProtocolHTTP  = "HTTP"
	ProtocolHTTPS = "HTTPS"
)

// SSLPolicies are the predefined ELB security policies an HTTPS listener may name (TLS-04).
// Custom policies do not exist on AWS.
var SSLPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
	"ELBSecurityPolicy-TLS13-1-1-2021-06",
	"ELBSecurityPolicy-TLS13-1-0-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-FS-1-2-Res-2020-10",
	"ELBSecurityPolicy-FS-1-2-Res-2019-08",
	"ELBSecurityPolicy-FS-1-2-2019-08",
	"ELBSecurityPolicy-FS-1-1-2019-08",
	"ELBSecurityPolicy-FS-2018-06",
	"ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
	"ELBSecurityPolicy-TLS-1-2-2017-01",
	"ELBSecurityPolicy-TLS-1-1-2017-01",
	"ELBSecurityPolicy-2016-08",
	"ELBSecurityPolicy-TLS-1-0-2015-04",
	"ELBSecurityPolicy-2015-05",
}

// listener checks one listener: port, protocol, certificates, attributes, default actions and
// rules.
func (v *validator) listener(p string, lb *LoadBalancer, l *Listener) {
	if l.Port < 1 || l.Port > 65535 {
		v.ps.Add(key(p, "port"), "must be 1..65535 (LST-01), got %d", l.Port)
	}
	switch l.Protocol {
	case "", ProtocolHTTP:
		if len(l.Certificates) > 0 {
			v.ps.Add(key(p, "certificates"), "only HTTPS listeners take certificates")
		}
		if l.SSLPolicy != "" {
			v.ps.Add(key(p, "ssl_policy"), "only HTTPS listeners take a security policy")
		}
		if l.MutualAuthentication.EffectiveMode() != MTLSModeOff {
			v.ps.Add(key(p, "mutual_authentication"), "only HTTPS listeners take mutual authentication (MTLS-01)")
		}
	case ProtocolHTTPS:
		v.https(p, lb, l)
	default:
		v.ps.Add(key(p, "protocol"), "must be HTTP or HTTPS (LST-01), got %q", l.Protocol)
	}
	if l.Address != "" {
		if _, err := netip.ParseAddr(l.Address); err != nil {
			v.ps.Add(key(p, "address"), "must be an IP address, got %q", l.Address)
		}
	}
	v.attributes(key(p, "attributes"), l.Attributes, listenerAttributes, "")
	if len(l.DefaultActions) == 0 {
		v.ps.Add(key(p, "default_actions"), "is required: every listener has a default rule (LST-02)")
	}
	v.actions(key(p, "default_actions"), lb, l, l.DefaultActions)
	v.rules(p, lb, l)
}

// https checks the certificates and policy of an HTTPS listener (TLS-01, TLS-04).
func (v *validator) https(p string, lb *LoadBalancer, l *Listener) {
	if len(l.Certificates) == 0 {
		v.ps.Add(key(p, "certificates"), "an HTTPS listener needs at least one certificate (TLS-01)")
	}
	for i, c := range l.Certificates {
		cp := idx(key(p, "certificates"), i)
		if c.ACME != nil {
			v.acmeCertificate(cp, lb, c)
			continue
		}
		if c.CertificateFile == "" {
			v.ps.Add(key(cp, "certificate_file"), "is required")
		}
		if c.PrivateKeyFile == "" {
			v.ps.Add(key(cp, "private_key_file"), "is required")
		}
	}
	if l.SSLPolicy != "" && !slices.Contains(SSLPolicies, l.SSLPolicy) {
		v.ps.Add(key(p, "ssl_policy"), "unknown security policy %q (TLS-04: only predefined ELBSecurityPolicy-* names)", l.SSLPolicy)
	}
	if m := l.MutualAuthentication; m != nil {
		v.mutualAuthentication(key(p, "mutual_authentication"), m)
	}
}

// mutualAuthentication checks a listener's mTLS settings (MTLS-01, MTLS-06).
func (v *validator) mutualAuthentication(p string, m *MutualAuthentication) {
	mode := m.EffectiveMode()
	switch mode {
	case MTLSModeOff, MTLSModePassthrough:
		if len(m.TrustStore) > 0 {
			v.ps.Add(key(p, "trust_store"), "is only used in verify mode")
		}
		if m.IgnoreClientCertificateExpiry {
			v.ps.Add(key(p, "ignore_client_certificate_expiry"), "is only used in verify mode")
		}
		if len(m.TrustStoreRevocationLists) > 0 {
			v.ps.Add(key(p, "trust_store_revocation_lists"), "is only used in verify mode")
		}
	case MTLSModeVerify:
		if len(m.TrustStore) == 0 {
			v.ps.Add(key(p, "trust_store"), "verify mode needs a trust store: one or more PEM files of CA certificates")
		}
		for i, f := range m.TrustStore {
			if f == "" {
				v.ps.Add(idx(key(p, "trust_store"), i), "is empty")
			}
		}
		v.revocationLists(key(p, "trust_store_revocation_lists"), m.TrustStoreRevocationLists)
	default:
		v.ps.Add(key(p, "mode"), "must be off, passthrough or verify (MTLS-01), got %q", m.Mode)
	}
	switch m.AdvertiseTrustStoreCaNames {
	case "", "off":
	case "on":
		if mode != MTLSModeVerify {
			v.ps.Add(key(p, "advertise_trust_store_ca_names"), "is only used in verify mode")
		}
	default:
		v.ps.Add(key(p, "advertise_trust_store_ca_names"), "must be on or off, got %q", m.AdvertiseTrustStoreCaNames)
	}
}

// verifyListeners enforces MTLS-06: at most 2 listeners in verify mode per load balancer.
func (v *validator) verifyListeners(p string, lb *LoadBalancer) {
	n := 0
	for j, l := range lb.Listeners {
		if l.MutualAuthentication.EffectiveMode() != MTLSModeVerify {
			continue
		}
		if n++; n > 2 {
			v.ps.Add(key(idx(key(p, "listeners"), j), "mutual_authentication"), "at most 2 listeners per load balancer in verify mode (MTLS-06)")
		}
	}
}

// binding is one listener socket, for the overlap check.
type binding struct {
	path string
	addr netip.Addr // zero value: all interfaces
}

// listenerBindings reports two listeners (of any load balancers) that would bind overlapping
// sockets: the same port with the same address, or with "all interfaces" on either side.
func (v *validator) listenerBindings() {
	byPort := map[int][]binding{}
	var ports []int
	for i, lb := range v.cfg.LoadBalancers {
		for j, l := range lb.Listeners {
			if l.Port < 1 || l.Port > 65535 {
				continue // reported by listener()
			}
			b := binding{path: idx(key(idx("load_balancers", i), "listeners"), j)}
			if a, err := netip.ParseAddr(l.Address); err == nil && !a.IsUnspecified() {
				b.addr = a.Unmap().WithZone("")
			} else if l.Address != "" && err != nil {
				continue // invalid address, reported by listener()
			}
			if _, ok := byPort[l.Port]; !ok {
				ports = append(ports, l.Port)
			}
			byPort[l.Port] = append(byPort[l.Port], b)
		}
	}
	for _, port := range ports {
		bs := byPort[port]
		for k := 1; k < len(bs); k++ {
			for _, prev := range bs[:k] {
				if overlaps(prev.addr, bs[k].addr) {
					v.ps.Add(key(bs[k].path, "port"), "port %s overlaps %s", bindString(bs[k].addr, port), prev.path)
					break
				}
			}
		}
	}
}

// overlaps reports whether two bind addresses on the same port conflict.
func overlaps(a, b netip.Addr) bool {
	return !a.IsValid() || !b.IsValid() || a == b
}

// bindString formats a bind address and port for messages.
func bindString(a netip.Addr, port int) string {
	if !a.IsValid() {
		return "*:" + strconv.Itoa(port)
	}
	return netip.AddrPortFrom(a, uint16(port)).String()
}

// maxRevocationLists is the quota of revocation lists per trust store (MTLS-06).
const maxRevocationLists = 30

// revocationLists checks the paths of a trust store's revocation lists (MTLS-03, MTLS-06).
func (v *validator) revocationLists(p string, files []string) {
	if len(files) > maxRevocationLists {
		v.ps.Add(p, "at most %d revocation lists per trust store (MTLS-06), got %d", maxRevocationLists, len(files))
	}
	for i, f := range files {
		if f == "" {
			v.ps.Add(idx(p, i), "is empty")
		}
	}
}
