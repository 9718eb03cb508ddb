// Package tlsconf turns an HTTPS listener's settings into a crypto/tls server configuration: the
// certificate list with SNI selection (TLS-02), the ELB security policies (TLS-04), the mutual
// TLS trust store (MTLS-01..06), and the TLS and mTLS request headers (TLS-06, MTLS-02/03/07).
package tlsconf

import "crypto/tls"

// DefaultPolicy is the security policy of an HTTPS listener that names none: the ELBv2 API and
// CLI default (TLS-04), so that a configuration behaves like the same CreateListener call.
const DefaultPolicy = "ELBSecurityPolicy-2016-08"

// Policy is what Go can enforce of an ELB security policy: the protocol versions and the TLS 1.2
// and older cipher suites. Go does not implement some OpenSSL suites the AWS policies list
// (ECDHE-*-AES256-SHA384, AES256-SHA256) and does not let TLS 1.3 suites be chosen; those
// differences are listed in docs/tls.md.
type Policy struct {
	MinVersion, MaxVersion uint16
	// CipherSuites are the TLS 1.0-1.2 suites, nil for a TLS 1.3-only policy.
	CipherSuites []uint16
}

// Cipher groups named after the OpenSSL suites of the AWS policy tables.
var (
	ecdheGCM = []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	}
	// ecdheSHA2 are ECDHE-*-AES128-SHA256 (Go lacks the AES256-SHA384 CBC pair).
	ecdheSHA2 = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256}
	ecdheSHA1 = []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	}
	// rsaSHA2 are AES128-GCM-SHA256, AES256-GCM-SHA384 and AES128-SHA256 (Go lacks AES256-SHA256).
	rsaSHA2 = []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_RSA_WITH_AES_128_CBC_SHA256}
	rsaSHA1 = []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_256_CBC_SHA}
	des3    = []uint16{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}
)

func suites(groups ...[]uint16) []uint16 {
	var out []uint16
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

const (
	v10, v11, v12, v13 = tls.VersionTLS10, tls.VersionTLS11, tls.VersionTLS12, tls.VersionTLS13
)

// policies maps every predefined policy name (TLS-04) to its versions and suites, after the AWS
// tables "Security policies for your Application Load Balancer".
var policies = map[string]Policy{
	"ELBSecurityPolicy-TLS13-1-2-2021-06":      {v12, v13, suites(ecdheGCM, ecdheSHA2)},
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06":  {v12, v13, suites(ecdheGCM)},
	"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": {v12, v13, suites(ecdheGCM, ecdheSHA2, rsaSHA2)},
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": {v12, v13, suites(ecdheGCM, ecdheSHA2, ecdheSHA1, rsaSHA2, rsaSHA1)},
	"ELBSecurityPolicy-TLS13-1-1-2021-06":      {v11, v13, suites(ecdheGCM, ecdheSHA2, ecdheSHA1, rsaSHA2, rsaSHA1)},
	"ELBSecurityPolicy-TLS13-1-0-2021-06":      {v10, v13, suites(ecdheGCM, ecdheSHA2, ecdheSHA1, rsaSHA2, rsaSHA1)},
	"ELBSecurityPolicy-TLS13-1-3-2021-06":      {v13, v13, nil},
	"ELBSecurityPolicy-FS-1-2-Res-2020-10":     {v12, v12, suites(ecdheGCM)},
	"ELBSecurityPolicy-FS-1-2-Res-2019-08":     {v12, v12, suites(ecdheGCM, ecdheSHA2)},
	"ELBSecurityPolicy-FS-1-2-2019-08":         {v12, v12, suites(ecdheGCM, ecdheSHA2, ecdheSHA1)},
	"ELBSecurityPolicy-FS-1-1-2019-08":         {v11, v12, suites(ecdheGCM, ecdheSHA2, ecdheSHA1)},
	"ELBSecurityPolicy-FS-2018-06":             {v10, v12, suites(ecdheGCM, ecdheSHA2, ecdheSHA1)},
	"ELBSecurityPolicy-TLS-1-2-Ext-2018-06":    {v12, v12, suites(ecdheGCM, ecdheSHA2, ecdheSHA1, rsaSHA2, rsaSHA1)},
	"ELBSecurityPolicy-TLS-1-2-2017-01":        {v12, v12, suites(ecdheGCM, ecdheSHA2, rsaSHA2)},
	"ELBSecurityPolicy-TLS-1-1-2017-01":        {v11, v12, suites(ecdheGCM, ecdheSHA2, ecdheSHA1, rsaSHA2, rsaSHA1)},
	"ELBSecurityPolicy-2016-08":                {v10, v12, suites(ecdheGCM, ecdheSHA2, ecdheSHA1, rsaSHA2, rsaSHA1)},
	"ELBSecurityPolicy-TLS-1-0-2015-04":        {v10, v12, suites(ecdheGCM, ecdheSHA2, ecdheSHA1, rsaSHA2, rsaSHA1, des3)},
	"ELBSecurityPolicy-2015-05":                {v10, v12, suites(ecdheGCM, ecdheSHA2, ecdheSHA1, rsaSHA2, rsaSHA1)},
}

// LookupPolicy returns the policy called name; "" is DefaultPolicy.
func LookupPolicy(name string) (Policy, bool) {
	if name == "" {
		name = DefaultPolicy
	}
	p, ok := policies[name]
	return p, ok
}
