package client

import (
	"testing"

	"github.com/albatross-lb/albatross/internal/h1/sock"
)

// TestReadPolicy: what the reads right after a write found moves the choice, within bounds, and
// a policy that waits still probes.
func TestReadPolicy(t *testing.T) {
	testCases := []struct {
		name      string
		seen      []sock.First
		readFirst bool
	}{
		{"a new target waits", nil, false},
		{"answers found at once: read first", []sock.First{sock.FirstFound}, true},
		{"then nothing found: wait", []sock.First{sock.FirstFound, sock.FirstEmpty}, false},
		{"no read tried says nothing", []sock.First{sock.FirstFound, sock.FirstNotTried, sock.FirstNotTried}, true},
		{"a long run of found answers is bounded", append(repeat(sock.FirstFound, 100), repeat(sock.FirstEmpty, scoreLimit)...), false},
		{"one short of the bound still reads first", append(repeat(sock.FirstFound, 100), repeat(sock.FirstEmpty, scoreLimit-1)...), true},
		{"a long run of empty reads is bounded", append(repeat(sock.FirstEmpty, 100), repeat(sock.FirstFound, scoreLimit+1)...), true},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			var p readPolicy
			for _, f := range tc.seen {
				p.observe(f)
			}
			if got := p.score.Load() > 0; got != tc.readFirst {
				t.Fatalf("reads first: %v (score %d); want %v", got, p.score.Load(), tc.readFirst)
			}
		})
	}
}

// TestReadPolicyProbes: a policy that waits reads first once every probeEvery sends, so that a
// target that became quick is noticed.
func TestReadPolicyProbes(t *testing.T) {
	var p readPolicy
	for range 4 {
		p.observe(sock.FirstEmpty)
	}
	probes := 0
	for range 10 * probeEvery {
		if p.readFirst() {
			probes++
		}
	}
	if probes != 10 {
		t.Fatalf("%d of %d sends read first; want 10", probes, 10*probeEvery)
	}
}

func repeat(f sock.First, n int) []sock.First {
	out := make([]sock.First, n)
	for i := range out {
		out[i] = f
	}
	return out
}
