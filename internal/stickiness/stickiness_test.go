package stickiness

import (
	"crypto/sha256"
	"net/http"
	"testing"
	"time"
)

// TestSealOpen: a sealed value opens to its digest until its expiry; an expired one is Expired;
// a forged, truncated or foreign-key value is Invalid (§12.24).
func TestSealOpen(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	s := NewSealer([]byte("key of this load balancer"))
	d := Digest("arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef")
	good := s.Seal(d, now.Add(time.Hour))
	forged := []byte(good)
	forged[3] ^= 1
	testCases := []struct {
		desc, value string
		want        Status
	}{
		{desc: "valid", value: good, want: Valid},
		{desc: "expired", value: s.Seal(d, now.Add(-time.Second)), want: Expired},
		{desc: "forged", value: string(forged), want: Invalid},
		{desc: "other key", value: NewSealer([]byte("someone else's key")).Seal(d, now.Add(time.Hour)), want: Invalid},
		{desc: "truncated", value: good[:20], want: Invalid},
		{desc: "not base64", value: "%%%", want: Invalid},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, status := s.Open(tc.value, now)
			if status != tc.want || (status == Valid) != (got == d) {
				t.Errorf("Open = %q, %v; want status %v", got, status, tc.want)
			}
		})
	}
}

// TestDigestStable: digests are the first 8 bytes of SHA-256 over the parts joined by NUL, the
// form cookies already issued carry, so that clients stay stuck across upgrades.
func TestDigestStable(t *testing.T) {
	t.Parallel()
	one, two := sha256.Sum256([]byte("arn")), sha256.Sum256([]byte("arn\x00127.0.0.1:80"))
	if Digest("arn") != string(one[:8]) || Digest("arn", "127.0.0.1:80") != string(two[:8]) {
		t.Error("digest form changed: cookies already issued would no longer match")
	}
}

// TestSetCookie: 7-day Expires and Path=/ always; SameSite=None; Secure on the CORS variants
// (STK-02).
func TestSetCookie(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	SetCookie(h, "AWSALB", "v", now, false)
	SetCookie(h, "AWSALBCORS", "v", now, true)
	want := []string{
		"AWSALB=v; Expires=Mon, 14 Dec 2026 08:00:00 GMT; Path=/",
		"AWSALBCORS=v; Expires=Mon, 14 Dec 2026 08:00:00 GMT; Path=/; SameSite=None; Secure",
	}
	got := h.Values("Set-Cookie")
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Set-Cookie %q, want %q", got, want)
	}
}
