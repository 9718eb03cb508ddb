package wire_test

import (
	"testing"

	"github.com/albatross-lb/albatross/internal/h1/wire"
	"github.com/albatross-lb/albatross/internal/router"
)

// The router classifies today's net/http requests with its own types; the connection loop will
// hand it wire's. Both must keep the same numbering and log names so that one converts to the
// other by a plain conversion.
func TestTypesMatchTheRouter(t *testing.T) {
	for c := wire.Compliant; c <= wire.Severe; c++ {
		if got, want := c.String(), router.Classification(c).String(); got != want {
			t.Errorf("class %d: wire %q, router %q", c, got, want)
		}
	}
	for _, s := range []string{"", "monitor", "defensive", "strictest", "bogus"} {
		w, werr := wire.ParseMode(s)
		r, rerr := router.ParseDesyncMode(s)
		if uint8(w) != uint8(r) || (werr == nil) != (rerr == nil) {
			t.Errorf("mode %q: wire %d/%v, router %d/%v", s, w, werr, r, rerr)
		}
	}
}
