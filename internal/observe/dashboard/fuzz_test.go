package dashboard

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzSessionCookie: no Cookie header the fuzzer makes up opens the dashboard (it does not know
// the key), and a value that parses prints back as itself.
func FuzzSessionCookie(f *testing.F) {
	mac := strings.Repeat("0f", 32)
	f.Add(SessionCookie + "=1796634000." + mac)
	f.Add(SessionCookie + "=1796634000." + mac + "; other=1; " + SessionCookie + "=2.x")
	f.Add(SessionCookie + `="1796634000.` + mac + `"`)
	f.Add("a=b")
	f.Add(SessionCookie + "=-1." + mac)
	s := NewSessions(func(string, string) bool { return false })
	s.Now = func() time.Time { return time.Unix(1e9, 0) }
	f.Fuzz(func(t *testing.T, header string) {
		r := &http.Request{Header: http.Header{"Cookie": {header}}}
		if s.Valid(r) {
			t.Fatalf("Cookie %q opened the dashboard", header)
		}
		c, err := r.Cookie(SessionCookie)
		if err != nil {
			return
		}
		expiry, mac, ok := ParseSessionValue(c.Value)
		if !ok {
			return
		}
		if again := strconv.FormatInt(expiry, 10) + "." + string(hexLower(mac)); !strings.EqualFold(again, c.Value) {
			t.Fatalf("value %q parsed as %q", c.Value, again)
		}
	})
}

func hexLower(b []byte) []byte {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return out
}
