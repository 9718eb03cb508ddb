package tlsconf

import (
	"regexp"
	"testing"
)

// TestCertificateARN: the ARN is ACM's shape with a UUID derived from the certificate, so it is
// the same on every start (pinned here against accidental change) and differs between
// certificates; Region and account come from the owner, with the contract's defaults.
func TestCertificateARN(t *testing.T) {
	t.Parallel()
	shape := regexp.MustCompile(`^arn:aws:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	testCases := []struct {
		desc  string
		owner ARNOwner
		der   string
		want  string
	}{
		{desc: "defaults", der: "certificate one", want: "arn:aws:acm:us-east-1:000000000000:certificate/f5fff1c1-7bbf-89c2-938a-af89254c14ab"},
		{desc: "owner", owner: ARNOwner{Region: "eu-west-1", AccountID: "123456789012"}, der: "certificate one",
			want: "arn:aws:acm:eu-west-1:123456789012:certificate/f5fff1c1-7bbf-89c2-938a-af89254c14ab"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got := CertificateARN(tc.owner, []byte(tc.der))
			if got != tc.want || !shape.MatchString(got) {
				t.Errorf("CertificateARN = %s, want %s", got, tc.want)
			}
		})
	}
	if CertificateARN(ARNOwner{}, []byte("certificate one")) == CertificateARN(ARNOwner{}, []byte("certificate two")) {
		t.Error("two certificates share an ARN")
	}
}
