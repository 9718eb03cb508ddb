package compare

import (
	"testing"
	"time"
)

func TestTallyCountsAndSamples(t *testing.T) {
	t.Parallel()
	tally := NewTally(&Rules{Body: BodyBytes}, 2)
	ok := func(body string) *Response { return resp(200, nil, body) }
	tally.Record(Pair{Method: "GET", URI: "/a", Primary: ok("x"), Shadow: ok("x"), PrimaryTime: time.Millisecond, ShadowTime: 2 * time.Millisecond})
	for i, uri := range []string{"/b", "/c", "/d"} {
		tally.Record(Pair{Method: "GET", URI: uri, Primary: ok("x"), Shadow: ok(string(rune('a' + i))), PrimaryTime: time.Millisecond})
	}
	tally.Record(Pair{Method: "GET", URI: "/e", Primary: ok("x"), Shadow: resp(500, nil, "x")})
	tally.Record(Pair{URI: "/f", Outcome: OutcomeShadowError, Primary: ok("x")})
	tally.Record(Pair{URI: "/g", Outcome: OutcomeShadowTimeout, Primary: ok("x")})
	tally.Record(Pair{URI: "/h", Outcome: OutcomePrimaryAborted})
	tally.Skip(SkipBusy)
	tally.Skip(SkipBody)
	tally.Skip(SkipBody)

	r := tally.Report()
	want := Counts{Shadowed: 8, Match: 1, Mismatch: 4, ShadowError: 1, ShadowTimeout: 1, PrimaryAborted: 1}
	if r.Shadowed != want.Shadowed || r.Match != want.Match || r.Mismatch != want.Mismatch ||
		r.ShadowError != want.ShadowError || r.ShadowTimeout != want.ShadowTimeout || r.PrimaryAborted != want.PrimaryAborted {
		t.Fatalf("counts = %+v, want %+v", r.Counts, want)
	}
	if r.MismatchByKind[KindBody] != 3 || r.MismatchByKind[KindStatus] != 1 {
		t.Errorf("by kind = %v", r.MismatchByKind)
	}
	if r.Skipped[SkipBusy] != 1 || r.Skipped[SkipBody] != 2 {
		t.Errorf("skipped = %v", r.Skipped)
	}
	// The sample keeps the newest two mismatches, newest first.
	if len(r.Samples) != 2 || r.Samples[0].URI != "/e" || r.Samples[1].URI != "/d" {
		t.Fatalf("samples = %+v", r.Samples)
	}
	if s := r.Samples[1]; s.Primary.Body != "x" || s.Shadow.Body != "c" || len(s.Diff) == 0 {
		t.Errorf("sample = %+v", s)
	}
	// Both latencies are over the same pairs, the compared ones (docs/strangler.md): a primary
	// slow where the shadow failed or timed out must not make the shadow look faster.
	if r.PrimaryLatency.Count != 5 || r.ShadowLatency.Count != 5 || r.ShadowLatency.P99 != 2 {
		t.Errorf("latency primary %+v shadow %+v", r.PrimaryLatency, r.ShadowLatency)
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	var w window
	for i := 1; i <= 100; i++ {
		w.add(time.Duration(i) * time.Millisecond)
	}
	if l := w.latency(); l.P50 != 50 || l.P99 != 99 || l.Count != 100 {
		t.Fatalf("latency = %+v", l)
	}
	for range windowSize {
		w.add(time.Second)
	}
	if l := w.latency(); l.P50 != 1000 || l.Count != windowSize {
		t.Fatalf("old values are not forgotten: %+v", l)
	}
}
