package compare

import (
	"slices"
	"sync"
	"time"
)

// Outcome is how one shadowed request ended.
type Outcome int

// Outcomes of a shadowed request. A pair that was compared is a match or a mismatch; the others
// were not compared.
const (
	OutcomeCompared Outcome = iota
	// OutcomeShadowError: the shadow target failed (no answer, a crash, a cut body).
	OutcomeShadowError
	// OutcomeShadowTimeout: the shadow did not answer within its time limit.
	OutcomeShadowTimeout
	// OutcomePrimaryAborted: the primary's response was cut, so there was nothing to compare.
	OutcomePrimaryAborted
)

// Skip reasons: why a request that was chosen for shadowing was not copied.
const (
	SkipBusy = "busy"      // the shadow's concurrency limit was reached
	SkipBody = "body_size" // the body was larger than the copy limit, or of unknown length
)

// Counts are a tally's counters, all since the tally was made.
type Counts struct {
	// Shadowed counts requests copied to the shadow target.
	Shadowed uint64 `json:"shadowed"`
	Match    uint64 `json:"match"`
	Mismatch uint64 `json:"mismatch"`
	// MismatchByKind counts mismatches by what differed; a pair may count under several kinds.
	MismatchByKind map[Kind]uint64 `json:"mismatch_by_kind"`
	ShadowError    uint64          `json:"shadow_error"`
	ShadowTimeout  uint64          `json:"shadow_timeout"`
	PrimaryAborted uint64          `json:"primary_aborted"`
	// Skipped counts requests chosen for shadowing but not copied, by reason (SkipBusy, SkipBody).
	Skipped map[string]uint64 `json:"skipped"`
}

// Side is one answer of a sampled mismatch.
type Side struct {
	Status int                 `json:"status"`
	Header map[string][]string `json:"header,omitempty"`
	// Body is the start of the body as text, at most sampleBodyBytes.
	Body    string `json:"body"`
	Size    int64  `json:"size"`
	Latency string `json:"latency"`
}

// Sample is one recorded mismatch.
type Sample struct {
	Time    time.Time `json:"time"`
	Method  string    `json:"method"`
	URI     string    `json:"uri"`
	Kinds   []Kind    `json:"kinds"`
	Diff    []string  `json:"diff"`
	Primary Side      `json:"primary"`
	Shadow  Side      `json:"shadow"`
}

// Report is a copy of a tally: counters, latency percentiles and the newest mismatches first.
type Report struct {
	Counts
	PrimaryLatency Latency  `json:"primary_latency"`
	ShadowLatency  Latency  `json:"shadow_latency"`
	Samples        []Sample `json:"samples"`
}

// Pair is one primary/shadow exchange as the shadow reports it.
type Pair struct {
	Method, URI             string
	Outcome                 Outcome
	Primary, Shadow         *Response
	PrimaryTime, ShadowTime time.Duration
}

// Tally keeps the counters, latencies and a bounded sample of mismatches of one shadowed rule.
// It is safe for concurrent use.
type Tally struct {
	rules       *Rules
	mu          sync.Mutex
	counts      Counts
	primary     window
	shadow      window
	samples     []Sample // ring: next is where the next sample goes
	next        int
	sampleLimit int
}

// sampleBodyBytes bounds each body kept in a sample.
const sampleBodyBytes = 4 << 10

// NewTally returns a tally comparing by rules and keeping the newest sampleLimit mismatches.
func NewTally(rules *Rules, sampleLimit int) *Tally {
	return &Tally{rules: rules, sampleLimit: sampleLimit, counts: Counts{MismatchByKind: map[Kind]uint64{}, Skipped: map[string]uint64{}}}
}

// SetRules replaces the comparison rules (a reload changed them); the counters stay.
func (t *Tally) SetRules(r *Rules) {
	t.mu.Lock()
	t.rules = r
	t.mu.Unlock()
}

// Skip counts a request chosen for shadowing that was not copied.
func (t *Tally) Skip(reason string) {
	t.mu.Lock()
	t.counts.Skipped[reason]++
	t.mu.Unlock()
}

// Record compares a finished pair (when both sides answered) and counts it.
func (t *Tally) Record(p Pair) {
	t.mu.Lock()
	rules := t.rules
	t.mu.Unlock()
	var v Verdict
	if p.Outcome == OutcomeCompared {
		v = rules.Compare(p.Primary, p.Shadow) // outside the lock: bodies may be large
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts.Shadowed++
	switch p.Outcome {
	case OutcomeShadowError:
		t.counts.ShadowError++
	case OutcomeShadowTimeout:
		t.counts.ShadowTimeout++
	case OutcomePrimaryAborted:
		t.counts.PrimaryAborted++
	}
	if p.Outcome != OutcomeCompared {
		return
	}
	// Both sides' latencies over the same pairs, so that their percentiles compare.
	t.primary.add(p.PrimaryTime)
	t.shadow.add(p.ShadowTime)
	if v.Match() {
		t.counts.Match++
		return
	}
	t.counts.Mismatch++
	for _, k := range v.Kinds {
		t.counts.MismatchByKind[k]++
	}
	t.sample(Sample{Time: time.Now(), Method: p.Method, URI: p.URI, Kinds: v.Kinds, Diff: v.Diff,
		Primary: side(p.Primary, p.PrimaryTime), Shadow: side(p.Shadow, p.ShadowTime)})
}

func (t *Tally) sample(s Sample) {
	if t.sampleLimit <= 0 {
		return
	}
	if len(t.samples) < t.sampleLimit {
		t.samples = append(t.samples, s)
		return
	}
	t.samples[t.next] = s
	t.next = (t.next + 1) % t.sampleLimit
}

func side(r *Response, d time.Duration) Side {
	body := r.Body
	if len(body) > sampleBodyBytes {
		body = body[:sampleBodyBytes]
	}
	return Side{Status: r.Status, Header: r.Header.Clone(), Body: string(body), Size: r.Size, Latency: d.String()}
}

// Report returns a copy of the tally, newest sample first.
func (t *Tally) Report() Report {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.counts
	c.MismatchByKind = cloneMap(c.MismatchByKind)
	c.Skipped = cloneMap(c.Skipped)
	out := Report{Counts: c, PrimaryLatency: t.primary.latency(), ShadowLatency: t.shadow.latency()}
	// The ring's oldest entry is at next once it is full; newest first is the reverse order.
	ordered := append(slices.Clone(t.samples[t.next:]), t.samples[:t.next]...)
	slices.Reverse(ordered)
	out.Samples = ordered
	return out
}

func cloneMap[K comparable](m map[K]uint64) map[K]uint64 {
	out := make(map[K]uint64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Compared returns how many pairs were compared and how many of them differed, cheaply (the
// shift controller's mismatch gate reads it every tick).
func (t *Tally) Compared() (compared, mismatched uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts.Match + t.counts.Mismatch, t.counts.Mismatch
}
