package action

import (
	"net/http"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/stickiness"
)

// FuzzGroupStickinessCookie: an AWSALBTG cookie names a group only when this key sealed it
// (mutations of a real value must not open another group), and nothing in the Cookie header
// makes parsing misbehave.
func FuzzGroupStickinessCookie(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	s := NewStickiness([]byte("group stickiness key"), time.Hour)
	issued := stickiness.NewSealer([]byte("group stickiness key")).Seal(digestOf("arn:tg-a"), now.Add(time.Hour))
	f.Add("AWSALBTG=" + issued)
	f.Add("AWSALBTGCORS=" + issued + "; AWSALBTG=" + issued[1:])
	f.Add("AWSALBTG=\"" + issued + "\"")
	f.Add("AWSALBTG=" + stickiness.NewSealer([]byte("group stickiness key")).Seal(digestOf("arn:tg-a"), now.Add(-time.Hour)))
	f.Fuzz(func(t *testing.T, header string) {
		r := &http.Request{Header: http.Header{"Cookie": {header}}}
		digest, status, ok := s.read(r, now)
		switch {
		case ok && status == stickiness.Valid:
			if digest != digestOf("arn:tg-a") {
				t.Fatalf("Cookie %q opened group digest %x, which this key never sealed", header, digest)
			}
		case digest != "":
			t.Fatalf("status %v (present %v) with digest %x", status, ok, digest)
		}
	})
}
