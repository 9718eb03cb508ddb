package tlsconf

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
)

// ARNOwner is the Region and account in the ARNs Albatross gives certificates; zero fields take
// the contract's defaults, us-east-1 and 000000000000.
type ARNOwner struct {
	Region, AccountID string
}

// CertificateARN returns the ACM-style ARN of the certificate whose leaf is der:
// arn:aws:acm:<region>:<account>:certificate/<uuid>. Certificates from files have no ARN of
// their own, yet the access log (chosen_cert_arn, TLS-03) and DescribeListenerCertificates want
// one, so the UUID is derived from the leaf's SHA-256: the same certificate gets the same ARN
// on every start and every host, a renewed certificate a new one (see docs/tls.md). The UUID
// carries version 8 (RFC 9562's custom layout) so that it cannot pass for a random ACM one.
func CertificateARN(o ARNOwner, der []byte) string {
	sum := sha256.Sum256(der)
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x80 // version 8
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	h := hex.EncodeToString(u)
	region, account := o.Region, o.AccountID
	if region == "" {
		region = "us-east-1"
	}
	if account == "" {
		account = "000000000000"
	}
	return "arn:aws:acm:" + region + ":" + account + ":certificate/" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// CertificateFileARN returns CertificateARN of the first certificate in the PEM file at path
// (the leaf, as in a listener's certificate_file).
func CertificateFileARN(o ARNOwner, path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for len(data) > 0 {
		var block *pem.Block
		if block, data = pem.Decode(data); block == nil {
			break
		}
		if block.Type == "CERTIFICATE" {
			return CertificateARN(o, block.Bytes), nil
		}
	}
	return "", fmt.Errorf("%s: no PEM certificate", path)
}
