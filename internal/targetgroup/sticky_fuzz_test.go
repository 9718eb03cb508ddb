package targetgroup

import (
	"net/http"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/stickiness"
)

// FuzzStickyCookie: a Cookie header opens stickiness only when it carries a value this key
// sealed (the fuzzer may mutate a real one, but not forge its MAC), for both lb_cookie and
// app_cookie stickiness; nothing in the header makes parsing misbehave.
func FuzzStickyCookie(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	lb := NewLBCookieStickiness(testKey, time.Hour)
	app := NewAppCookieStickiness(testKey, "SESSION", time.Hour)
	issued := stickiness.NewSealer(testKey).Seal(targetDigest("arn:tg", "127.0.0.1:8080"), now.Add(time.Hour))
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
			if digest != targetDigest("arn:tg", "127.0.0.1:8080") {
				t.Fatalf("Cookie %q opened digest %x, which this key never sealed", header, digest)
			}
		}
	})
}
