package observe

import (
	"math"
	"strconv"
	"sync"
	"time"
)

// HistoryStep is the width of one point of the dashboard's charts, and HistoryPoints how many
// points are kept: the last 15 minutes.
const (
	HistoryStep   = 5 * time.Second
	HistoryPoints = 180
)

// maxHistorySeries bounds the number of series kept, whatever churn of target groups, targets
// or functions; a series beyond it is not recorded (the charts say so by its absence) until an
// idle series ages out. maxLatencySeries bounds, among them, the target groups that keep a
// response time histogram (29.5 KiB each); a target group beyond it is charted without
// percentiles. Together they bound the history's memory (TestHistoryMemoryBound).
const (
	maxHistorySeries = 1024
	maxLatencySeries = 256
)

// latencyBuckets are the upper bounds of the response time histogram the percentiles are read
// from: 0.5 ms × 1.4^i, up to about 4 minutes, so a percentile is off by at most 40 %.
var latencyBuckets = func() [40]float64 {
	var b [40]float64
	for i := range b {
		b[i] = 0.5 * math.Pow(1.4, float64(i))
	}
	return b
}()

// SeriesKind says what a history series describes.
type SeriesKind string

// The kinds of history series.
const (
	KindLoadBalancer SeriesKind = "load_balancer"
	KindTargetGroup  SeriesKind = "target_group"
	KindRule         SeriesKind = "rule"
	KindTarget       SeriesKind = "target"
	KindFunction     SeriesKind = "function"
)

// historyKey names a series: name is the load balancer or target group ID or the function name;
// a rule adds its listener and priority, a target its ip:port. Kept apart (not joined into one
// string) so that counting a request allocates nothing.
type historyKey struct {
	kind     SeriesKind
	name     string
	sub      string // the listener of a rule, the ip:port of a target
	priority int
}

// String is the series' name in history.json: see RuleName and TargetName.
func (k historyKey) String() string {
	switch k.kind {
	case KindRule:
		return RuleName(k.name, k.sub, k.priority)
	case KindTarget:
		return TargetName(k.name, k.sub)
	}
	return k.name
}

// TargetName is the name of a target's history series: the target group ID and the ip:port.
func TargetName(targetGroup, target string) string { return targetGroup + " " + target }

// point is one step of one series, 48 bytes. Counts are per step; gauges (counts of
// environments and targets) are the last value set in the step, -1 when none was.
type point struct {
	step                     int64
	requests, c4xx, c5xx     uint32
	coldStarts               uint32
	starting, idle, busy     int32
	healthy, unhealthy       int32
	hasLatency, hasFunctions bool
	hasHealth                bool
}

// latencyHistogram counts target response times per latencyBuckets bound (the last: above).
type latencyHistogram = [len(latencyBuckets) + 1]uint32

type historySeries struct {
	points [HistoryPoints]point
	// latency is the response time histogram of each point, for a target group only.
	latency   *[HistoryPoints]latencyHistogram
	lastMatch time.Time
	lastStep  int64
}

// History keeps the last 15 minutes of traffic, function and health numbers in fixed rings of
// HistoryStep points, for the dashboard's charts. Its memory is bounded by maxHistorySeries;
// recording a request takes one short mutex section and allocates only for a series' first
// request.
type History struct {
	mu     sync.Mutex
	series map[historyKey]*historySeries
	health map[historyKey]*healthLog
	// coldStarts is each function's cold start count at the previous sample.
	coldStarts map[string]uint64
	// pruned is the step of the last sweep for idle series; latencySeries counts the series
	// holding a latency histogram.
	pruned        int64
	latencySeries int
	// last remembers, per kind of series a request counts in (lastSlot), the series the
	// previous lookup of that kind found, so that a steady stream of requests to the same load
	// balancer, target group, target and rule finds its series by comparing keys whose strings
	// are mostly the very same (equal pointers) instead of hashing them four times. pruneLocked
	// forgets them with the series it drops.
	last [4]lastSeries
	now  func() time.Time
}

type lastSeries struct {
	key historyKey
	s   *historySeries
}

// lastSlot is the slot of last that remembers a series of kind k, -1 for kinds not counted per
// request.
func lastSlot(k SeriesKind) int {
	switch k {
	case KindLoadBalancer:
		return 0
	case KindTargetGroup:
		return 1
	case KindTarget:
		return 2
	case KindRule:
		return 3
	}
	return -1
}

// lookup returns the series of k, nil when it does not exist.
func (h *History) lookup(k historyKey) *historySeries {
	slot := lastSlot(k.kind)
	if slot < 0 {
		return h.series[k]
	}
	if l := &h.last[slot]; l.s != nil && l.key == k {
		return l.s
	}
	s := h.series[k]
	if s != nil {
		h.last[slot] = lastSeries{key: k, s: s}
	}
	return s
}

func newHistory() *History {
	return &History{series: map[historyKey]*historySeries{}, health: map[historyKey]*healthLog{}, coldStarts: map[string]uint64{}, now: time.Now}
}

func stepOf(t time.Time) int64 { return t.UnixNano() / int64(HistoryStep) }

// at returns the point of k for step, reset when it held an older step; nil when the series
// cannot be created.
func (h *History) at(k historyKey, step int64) (*historySeries, *point) {
	s := h.lookup(k)
	if s == nil {
		if len(h.series) >= maxHistorySeries {
			if h.pruned != step { // at most one sweep per step, however many new keys arrive
				h.pruned = step
				h.pruneLocked(step)
			}
			if len(h.series) >= maxHistorySeries {
				return nil, nil
			}
		}
		s = &historySeries{}
		h.series[k] = s
	}
	p := &s.points[step%HistoryPoints]
	if p.step != step {
		*p = point{step: step, starting: -1, idle: -1, busy: -1, healthy: -1, unhealthy: -1}
		if s.latency != nil {
			s.latency[step%HistoryPoints] = latencyHistogram{}
		}
	}
	s.lastStep = max(s.lastStep, step)
	return s, p
}

// pruneLocked drops series with no point in the window.
func (h *History) pruneLocked(step int64) {
	h.last = [len(h.last)]lastSeries{}
	for k, s := range h.series {
		if s.lastStep <= step-HistoryPoints {
			if s.latency != nil {
				h.latencySeries--
			}
			delete(h.series, k)
		}
	}
}

// record counts a finished exchange for its load balancer, target group, rule and target.
func (h *History) record(ex *Exchange, listener string) {
	when := ex.Finished
	if when.IsZero() {
		when = h.now()
	}
	step := stepOf(when)
	var latency time.Duration = -1
	if !ex.TargetSent.IsZero() && !ex.TargetResponded.IsZero() {
		latency = max(ex.TargetResponded.Sub(ex.TargetSent), 0)
	}
	tg := resourceID(ex.TargetGroupARN)
	h.mu.Lock()
	defer h.mu.Unlock()
	if ex.LoadBalancer != "" {
		h.count(historyKey{kind: KindLoadBalancer, name: ex.LoadBalancer}, step, ex.Status, -1)
	}
	if tg != "" {
		h.count(historyKey{kind: KindTargetGroup, name: tg}, step, ex.Status, latency)
		if ex.Target != "" {
			h.count(historyKey{kind: KindTarget, name: tg, sub: ex.Target}, step, ex.Status, -1)
		}
	}
	if ex.MatchedRulePriority >= 0 {
		if s := h.count(historyKey{kind: KindRule, name: ex.LoadBalancer, sub: listener, priority: ex.MatchedRulePriority}, step, ex.Status, -1); s != nil && when.After(s.lastMatch) {
			s.lastMatch = when
		}
	}
}

func (h *History) count(k historyKey, step int64, status int, latency time.Duration) *historySeries {
	s, p := h.at(k, step)
	if p == nil {
		return nil
	}
	p.requests++
	switch status / 100 {
	case 4:
		p.c4xx++
	case 5:
		p.c5xx++
	}
	if latency >= 0 {
		if s.latency == nil && h.latencySeries >= maxLatencySeries && h.pruned != step {
			h.pruned = step // target groups gone for 15 minutes give their histograms back
			h.pruneLocked(step)
		}
		if s.latency == nil && h.latencySeries < maxLatencySeries {
			s.latency = new([HistoryPoints]latencyHistogram)
			h.latencySeries++
		}
		if s.latency != nil {
			ms := float64(latency) / float64(time.Millisecond)
			i := 0
			for i < len(latencyBuckets) && ms > latencyBuckets[i] {
				i++
			}
			s.latency[step%HistoryPoints][i]++
			p.hasLatency = true
		}
	}
	return s
}

// RuleName is the name of a rule's history series: the load balancer ID, the listener and the
// priority (0 for the default rule).
func RuleName(lb, listener string, priority int) string {
	return lb + " " + listener + " " + strconv.Itoa(priority)
}

// FunctionSample is a function's environments at one moment and its cold starts so far.
type FunctionSample struct {
	Name                 string
	Starting, Idle, Busy int
	ColdStarts           uint64
}

// SampleFunctions records the functions' environments now; cold starts are charted per step
// as the increase since the previous sample.
func (h *History) SampleFunctions(fns []FunctionSample) {
	step := stepOf(h.now())
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, f := range fns {
		_, p := h.at(historyKey{kind: KindFunction, name: f.Name}, step)
		if p == nil {
			continue
		}
		p.starting, p.idle, p.busy, p.hasFunctions = clamp32(f.Starting), clamp32(f.Idle), clamp32(f.Busy), true
		if prev, ok := h.coldStarts[f.Name]; ok && f.ColdStarts >= prev {
			p.coldStarts += uint32(min(f.ColdStarts-prev, math.MaxUint32-uint64(p.coldStarts)))
		}
		h.coldStarts[f.Name] = f.ColdStarts
	}
}

func clamp32(n int) int32 { return int32(min(max(n, 0), math.MaxInt32)) }

// TargetState is one target's health at one moment.
type TargetState struct {
	TargetGroup, Target string
	State, Reason       string
	Description         string
	// Healthy and Unhealthy say in which count the target is (a draining target is in
	// neither, as in HealthyHostCount and UnHealthyHostCount).
	Healthy, Unhealthy bool
}

// SampleHealth records the targets' health now: the healthy and unhealthy counts per target
// group, and every state change since the previous sample in the target's health history.
func (h *History) SampleHealth(targets []TargetState) {
	now := h.now()
	step := stepOf(now)
	h.mu.Lock()
	defer h.mu.Unlock()
	counts := map[string]*point{}
	for _, t := range targets {
		h.noteHealthLocked(historyKey{kind: KindTarget, name: t.TargetGroup, sub: t.Target}, now, t)
		p, seen := counts[t.TargetGroup]
		if !seen {
			if _, p = h.at(historyKey{kind: KindTargetGroup, name: t.TargetGroup}, step); p != nil {
				p.healthy, p.unhealthy, p.hasHealth = 0, 0, true
			}
			counts[t.TargetGroup] = p
		}
		if p == nil {
			continue
		}
		if t.Healthy {
			p.healthy++
		}
		if t.Unhealthy {
			p.unhealthy++
		}
	}
}

// healthLogSize bounds the state changes kept per target.
const healthLogSize = 16

// HealthChange is a target's move to a new health state.
type HealthChange struct {
	Time        time.Time `json:"time"`
	From        string    `json:"from,omitempty"`
	To          string    `json:"to"`
	Reason      string    `json:"reason,omitempty"`
	Description string    `json:"description,omitempty"`
}

type healthLog struct {
	changes []HealthChange
	seen    int64
}

func (h *History) noteHealthLocked(k historyKey, now time.Time, t TargetState) {
	l := h.health[k]
	if l == nil {
		if len(h.health) >= maxHistorySeries {
			for k, old := range h.health { // targets gone for the whole window
				if old.seen <= stepOf(now)-HistoryPoints {
					delete(h.health, k)
				}
			}
			if len(h.health) >= maxHistorySeries {
				return
			}
		}
		l = &healthLog{}
		h.health[k] = l
	}
	l.seen = stepOf(now)
	var from string
	if n := len(l.changes); n > 0 {
		last := l.changes[n-1]
		if last.To == t.State && last.Reason == t.Reason {
			return
		}
		from = last.To
	}
	if len(l.changes) == healthLogSize {
		l.changes = append(l.changes[:0], l.changes[1:]...)
	}
	l.changes = append(l.changes, HealthChange{Time: now, From: from, To: t.State, Reason: t.Reason, Description: t.Description})
}

// HealthHistory returns a target's recorded state changes, oldest first.
func (h *History) HealthHistory(targetGroup, target string) []HealthChange {
	h.mu.Lock()
	defer h.mu.Unlock()
	if l := h.health[historyKey{kind: KindTarget, name: targetGroup, sub: target}]; l != nil {
		return append([]HealthChange(nil), l.changes...)
	}
	return nil
}

// LastMatch returns when the rule last routed a request, zero if not in the last 15 minutes.
func (h *History) LastMatch(lb, listener string, priority int) time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.series[historyKey{kind: KindRule, name: lb, sub: listener, priority: priority}]; s != nil {
		return s.lastMatch
	}
	return time.Time{}
}

// ChartSeries is one series of the charts: values per step, oldest first, ending with the
// current (incomplete) step. A gauge or percentile with no value in a step is -1.
type ChartSeries struct {
	Kind SeriesKind `json:"kind"`
	Name string     `json:"name"`
	// Rates per second.
	Requests []float64 `json:"requests_per_s,omitempty"`
	Errors4  []float64 `json:"4xx_per_s,omitempty"`
	Errors5  []float64 `json:"5xx_per_s,omitempty"`
	// Target response time percentiles in milliseconds (target groups).
	P50 []float64 `json:"p50_ms,omitempty"`
	P99 []float64 `json:"p99_ms,omitempty"`
	// Functions: environments and cold starts per step.
	Starting   []float64 `json:"starting,omitempty"`
	Idle       []float64 `json:"idle,omitempty"`
	Busy       []float64 `json:"busy,omitempty"`
	ColdStarts []float64 `json:"cold_starts,omitempty"`
	// Target groups: target counts.
	Healthy   []float64 `json:"healthy,omitempty"`
	Unhealthy []float64 `json:"unhealthy,omitempty"`
	// Total is the requests of the whole window (rules and targets: hit counts and shares).
	Total uint64 `json:"total"`
}

// Charts is the history as the dashboard draws it.
type Charts struct {
	StepSeconds float64 `json:"step_seconds"`
	// End is the start of the last step, in Unix milliseconds.
	End    int64         `json:"end"`
	Series []ChartSeries `json:"series"`
}

// Charts returns every series over the window ending now.
func (h *History) Charts() Charts {
	step := stepOf(h.now())
	out := Charts{StepSeconds: HistoryStep.Seconds(), End: step * int64(HistoryStep) / int64(time.Millisecond)}
	h.mu.Lock()
	defer h.mu.Unlock()
	for k, s := range h.series {
		if s.lastStep <= step-HistoryPoints {
			continue
		}
		out.Series = append(out.Series, s.chart(k, step))
	}
	return out
}

func (s *historySeries) chart(k historyKey, end int64) ChartSeries {
	c := ChartSeries{Kind: k.kind, Name: k.String()}
	rate := func(n uint32) float64 { return float64(n) / HistoryStep.Seconds() }
	gauge := func(v int32) float64 { return float64(v) }
	traffic := k.kind != KindFunction
	if traffic {
		c.Requests, c.Errors4, c.Errors5 = make([]float64, HistoryPoints), make([]float64, HistoryPoints), make([]float64, HistoryPoints)
	}
	switch k.kind {
	case KindTargetGroup:
		c.P50, c.P99, c.Healthy, c.Unhealthy = filled(-1), filled(-1), filled(-1), filled(-1)
	case KindFunction:
		c.Starting, c.Idle, c.Busy, c.ColdStarts = filled(-1), filled(-1), filled(-1), make([]float64, HistoryPoints)
	}
	for i := range HistoryPoints {
		step := end - HistoryPoints + 1 + int64(i)
		p := &s.points[step%HistoryPoints]
		if p.step != step {
			continue
		}
		if traffic {
			c.Requests[i], c.Errors4[i], c.Errors5[i] = rate(p.requests), rate(p.c4xx), rate(p.c5xx)
			c.Total += uint64(p.requests)
		}
		if p.hasLatency && c.P50 != nil && s.latency != nil {
			b := &s.latency[step%HistoryPoints]
			c.P50[i], c.P99[i] = percentile(b, 0.5), percentile(b, 0.99)
		}
		if p.hasHealth && c.Healthy != nil {
			c.Healthy[i], c.Unhealthy[i] = gauge(p.healthy), gauge(p.unhealthy)
		}
		if p.hasFunctions && c.Starting != nil {
			c.Starting[i], c.Idle[i], c.Busy[i], c.ColdStarts[i] = gauge(p.starting), gauge(p.idle), gauge(p.busy), float64(p.coldStarts)
		}
	}
	return c
}

func filled(v float64) []float64 {
	s := make([]float64, HistoryPoints)
	for i := range s {
		s[i] = v
	}
	return s
}

// percentile reads quantile q from a latency histogram: the upper bound of the bucket holding
// it (the last bucket, unbounded, reads as its lower bound).
func percentile(b *latencyHistogram, q float64) float64 {
	var total uint64
	for _, n := range b {
		total += uint64(n)
	}
	rank := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i, n := range b {
		seen += uint64(n)
		if seen >= rank && n > 0 {
			return latencyBuckets[min(i, len(latencyBuckets)-1)]
		}
	}
	return latencyBuckets[len(latencyBuckets)-1]
}

// History returns the charts' history.
func (m *Metrics) History() *History { return m.history }
