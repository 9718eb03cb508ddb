package reconcile

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/compare"
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/shadow"
)

// shadows are the data plane's shadowed rules (docs/strangler.md): one runner owning every
// shadow goroutine, and the tallies of the rules being shadowed, kept across reloads by rule and
// shadow target group so that a reload does not reset the counters.
type shadows struct {
	runner *shadow.Runner
	mu     sync.Mutex
	live   map[string]*shadowedRule
}

// shadowedRule is one rule's shadow and its tally.
type shadowedRule struct {
	// Rule names the rule: load balancer/listener port/priority.
	rule, target string
	primary      []string
	tally        *compare.Tally
	rules        *compare.Rules
	// limit bounds the rule's shadow requests in flight across reloads, as the tally counts.
	limit *shadow.Limit
}

// sampleLimit is how many mismatches each shadowed rule keeps.
const sampleLimit = 20

func newShadows() *shadows {
	return &shadows{runner: shadow.NewRunner(), live: map[string]*shadowedRule{}}
}

// RuleName names a rule in reports: "web/8080/15" (load balancer, listener port, priority).
func RuleName(lb *config.LoadBalancer, l *config.Listener, r *config.Rule) string {
	return lb.Name + "/" + strconv.Itoa(l.Port) + "/" + strconv.Itoa(r.Priority)
}

// shadowed wraps a rule's forward so that its requests are copied to the shadow target group.
// The tally of the same rule and shadow is reused; its comparison rules change at commit. So is
// its limit of requests in flight, while max_in_flight stays the same.
func (b *builder) shadowed(lb *config.LoadBalancer, l *config.Listener, r *config.Rule, forward action.Handler) action.Handler {
	name := r.AlbatrossAttributes[config.AttrShadowTargetGroup]
	target, ok := b.groups[name]
	if !ok {
		return forward // Validate refuses this; never copy to nothing
	}
	sr := &shadowedRule{rule: RuleName(lb, l, r), target: name, rules: r.CompareRules()}
	if a, fwd := routingForward(r.Actions); fwd {
		sr.primary = forwardTargets(&a)
	}
	key := sr.rule + " " + name
	opts := shadowOptions(r)
	s := b.dp.shadows
	s.mu.Lock()
	if old, ok := s.live[key]; ok {
		sr.tally = old.tally
		if old.limit.Cap() == opts.MaxInFlight {
			sr.limit = old.limit
		}
	}
	s.mu.Unlock()
	if sr.tally == nil {
		sr.tally = compare.NewTally(sr.rules, sampleLimit)
	}
	if sr.limit == nil {
		sr.limit = shadow.NewLimit(opts.MaxInFlight)
	}
	opts.Limit = sr.limit
	b.g.shadows[key] = sr
	m := shadow.NewMirror(s.runner, target, sr.tally, opts)
	return m.Wrap(forward)
}

func routingForward(acts []config.Action) (config.Action, bool) {
	a := RoutingAction(acts)
	return a, a.Type == config.ActionForward
}

// shadowOptions reads a rule's shadow attributes (valid, as Validate checked them).
func shadowOptions(r *config.Rule) shadow.Options {
	pct, _ := strconv.ParseFloat(r.Attribute(config.AttrShadowPercentage), 64)
	ms, _ := strconv.Atoi(r.Attribute(config.AttrShadowTimeoutMS))
	inFlight, _ := strconv.Atoi(r.Attribute(config.AttrShadowMaxInFlight))
	body, _ := strconv.ParseInt(r.Attribute(config.AttrShadowMaxBodyBytes), 10, 64)
	return shadow.Options{
		Percentage:     pct,
		IdempotentOnly: r.Attribute(config.AttrShadowMethods) == "idempotent",
		Timeout:        time.Duration(ms) * time.Millisecond,
		MaxInFlight:    inFlight,
		MaxBodyBytes:   body,
	}
}

// commit makes the shadowed rules of a new graph the live ones.
func (s *shadows) commit(next map[string]*shadowedRule) {
	for _, sr := range next {
		sr.tally.SetRules(sr.rules)
	}
	s.mu.Lock()
	s.live = next
	s.mu.Unlock()
}

// close lets shadow requests in flight finish until ctx ends, then cuts them.
func (s *shadows) close(ctx context.Context) { s.runner.Close(ctx) }

// ShadowReport is one shadowed rule's comparison counters and sampled mismatches.
type ShadowReport struct {
	// Rule is the rule's name (RuleName).
	Rule string `json:"rule"`
	// Primary are the target groups the rule forwards to; Shadow gets the copies.
	Primary []string `json:"primary"`
	Shadow  string   `json:"shadow"`
	compare.Report
}

// ShadowReports returns every shadowed rule's report, by rule name.
func (dp *DataPlane) ShadowReports() []ShadowReport {
	s := dp.shadows
	s.mu.Lock()
	rules := make([]*shadowedRule, 0, len(s.live))
	for _, sr := range s.live {
		rules = append(rules, sr)
	}
	s.mu.Unlock()
	out := make([]ShadowReport, 0, len(rules))
	for _, sr := range rules {
		out = append(out, ShadowReport{Rule: sr.rule, Primary: sr.primary, Shadow: sr.target, Report: sr.tally.Report()})
	}
	slices.SortFunc(out, func(a, b ShadowReport) int {
		return cmp.Or(cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Shadow, b.Shadow))
	})
	return out
}

// shadowSamples are the comparison metrics, read at every scrape.
func (dp *DataPlane) shadowSamples() []observe.Sample {
	var out []observe.Sample
	for _, r := range dp.ShadowReports() {
		labels := func(extra ...observe.Label) []observe.Label {
			return append([]observe.Label{{Name: "rule", Value: r.Rule}, {Name: "shadow_target_group", Value: r.Shadow}}, extra...)
		}
		counter := func(name, help string, v uint64, extra ...observe.Label) {
			out = append(out, observe.Sample{Name: name, Help: help, Counter: true, Labels: labels(extra...), Value: float64(v)})
		}
		counter("albatross_shadow_requests_total", "Requests copied to the shadow target group (docs/strangler.md).", r.Shadowed)
		counter("albatross_shadow_comparisons_total", "Primary/shadow answers compared, by result.", r.Match, observe.Label{Name: "result", Value: "match"})
		counter("albatross_shadow_comparisons_total", "Primary/shadow answers compared, by result.", r.Mismatch, observe.Label{Name: "result", Value: "mismatch"})
		for _, k := range []compare.Kind{compare.KindStatus, compare.KindHeader, compare.KindBody} {
			counter("albatross_shadow_mismatches_total", "Mismatches by what differed (one pair may differ in several).", r.MismatchByKind[k],
				observe.Label{Name: "kind", Value: string(k)})
		}
		counter("albatross_shadow_failures_total", "Shadow requests that gave no answer, by reason.", r.ShadowError, observe.Label{Name: "reason", Value: "error"})
		counter("albatross_shadow_failures_total", "Shadow requests that gave no answer, by reason.", r.ShadowTimeout, observe.Label{Name: "reason", Value: "timeout"})
		for _, reason := range []string{compare.SkipBusy, compare.SkipBody} {
			counter("albatross_shadow_skipped_total", "Requests chosen for shadowing but not copied, by reason.", r.Skipped[reason],
				observe.Label{Name: "reason", Value: reason})
		}
		for side, l := range map[string]compare.Latency{"primary": r.PrimaryLatency, "shadow": r.ShadowLatency} {
			for q, v := range map[string]float64{"0.5": l.P50, "0.99": l.P99} {
				out = append(out, observe.Sample{Name: "albatross_shadow_latency_seconds",
					Help:   "Latency of the primary and the shadow over their latest 1024 compared requests, by quantile.",
					Labels: labels(observe.Label{Name: "side", Value: side}, observe.Label{Name: "quantile", Value: q}), Value: v / 1000})
			}
		}
	}
	return out
}

// DescribeShadow words a rule's shadow for explain, "" when it has none.
func DescribeShadow(r *config.Rule) string {
	if !r.Shadowed() {
		return ""
	}
	methods := "requests"
	if r.Attribute(config.AttrShadowMethods) == "idempotent" {
		methods = "idempotent requests (GET, HEAD, OPTIONS, TRACE, PUT, DELETE)"
	}
	cr := r.CompareRules()
	compared := []string{"status"}
	if len(cr.Headers) > 0 {
		compared = append(compared, "headers "+strings.Join(cr.Headers, ", "))
	}
	if cr.Body != compare.BodyNone {
		compared = append(compared, "body as "+cr.Body)
	}
	if p := r.Attribute(config.AttrCompareIgnoreJSONPaths); p != "" && cr.Body == compare.BodyJSON {
		compared = append(compared, "ignoring JSON paths "+p)
	}
	if p := r.Attribute(config.AttrCompareIgnorePatterns); p != "" && cr.Body == compare.BodyText {
		compared = append(compared, "ignoring patterns "+p)
	}
	return fmt.Sprintf("copies %s%% of %s to target group %s (header %s: 1; at most %s in flight, %s ms, bodies up to %s bytes); compares %s",
		r.Attribute(config.AttrShadowPercentage), methods, r.AlbatrossAttributes[config.AttrShadowTargetGroup], shadow.Header,
		r.Attribute(config.AttrShadowMaxInFlight), r.Attribute(config.AttrShadowTimeoutMS), r.Attribute(config.AttrShadowMaxBodyBytes),
		strings.Join(compared, ", "))
}

// ShadowHandler serves GET /strangler/diff on the API address: every shadowed rule's report as
// JSON, for `albatross diff` and the dashboard. ?rule=NAME keeps one rule.
func (dp *DataPlane) ShadowHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reports := dp.ShadowReports()
		if name := r.URL.Query().Get("rule"); name != "" {
			reports = slices.DeleteFunc(reports, func(x ShadowReport) bool { return x.Rule != name })
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(struct {
			Rules []ShadowReport `json:"rules"`
		}{reports})
	})
}
