package targetgroup

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"testing"
	"time"
)

// FuzzStickyCookie: a Cookie header opens stickiness only when it carries a value this key
// sealed (the fuzzer may mutate a real one, but not forge its MAC), for both lb_cookie and
// app_cookie stickiness; nothing in the header makes parsing misbehave.
func FuzzStickyCookie(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	lb := NewLBCookieStickiness(testKey, time.Hour)
	app := NewAppCookieStickiness(testKey, "SESSION", time.Hour)
	issued := lb.seal(targetDigest("arn:tg", "127.0.0.1:8080"), now.Add(time.Hour))
	issuedRaw, _ := base64.StdEncoding.DecodeString(issued)
	f.Add("AWSALB=" + issued)
	f.Add("AWSALBCORS=" + issued + "; AWSALB=x")
	f.Add("AWSALBAPP-0=" + issued)
	f.Add("AWSALB=" + issued[:len(issued)-2] + "==")
	f.Add("AWSALB=%00; AWSALBAPP-0=\"" + issued + "\"")
	f.Fuzz(func(t *testing.T, header string) {
		for _, s := range []*Stickiness{lb, app} {
			r := &http.Request{Header: http.Header{"Cookie": {header}}}
			digest, ok := s.requestDigest(r, now)
			if !ok {
				continue
			}
			if len(digest) != digestLen || !bytes.Equal([]byte(digest), issuedRaw[:digestLen]) {
				t.Fatalf("Cookie %q opened digest %x, which this key never sealed", header, digest)
			}
		}
	})
}
