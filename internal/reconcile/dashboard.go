package reconcile

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/compare"
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/observe/dashboard"
	"github.com/albatross-lb/albatross/internal/shift"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// DashboardHandler serves the live dashboard; mount it at /dashboard/ on the API address (the
// page is /dashboard/, its data /dashboard/state.json, history.json and request.json?id=N). The
// first call starts sampling functions and target health for the charts.
func (dp *DataPlane) DashboardHandler() http.Handler {
	dp.startSampler()
	h := dp.obs().metrics.History()
	return dashboard.Handler(dashboard.Sources{
		State:   func() any { return dp.dashboardState() },
		History: func() any { return h.Charts() },
		Request: dp.dashboardRequest,
	})
}

type dashState struct {
	// Node names the cluster node whose view this is (health, requests and metrics are per node);
	// empty for a node alone.
	Node          string                  `json:"node,omitempty"`
	LoadBalancers []dashLB                `json:"load_balancers"`
	TargetGroups  []dashTG                `json:"target_groups"`
	Functions     []dashFunction          `json:"functions"`
	Recent        []observe.RecentRequest `json:"recent"`
	// Failures are the last failed requests (5XX or an error reason), kept longer than Recent.
	Failures []observe.RecentRequest `json:"failures"`
	// Shadows and Shifts are the strangler kit's rules (docs/strangler.md).
	Shadows []dashShadow   `json:"shadows"`
	Shifts  []shift.Status `json:"shifts"`
}

// dashShadow is a shadowed rule's report without the sampled bodies (the page polls it every
// 2 s): the counters, latencies and the diffs of the newest mismatches.
type dashShadow struct {
	ShadowReport
	Samples []dashMismatch `json:"samples"`
}

type dashMismatch struct {
	Time   time.Time      `json:"time"`
	Method string         `json:"method"`
	URI    string         `json:"uri"`
	Kinds  []compare.Kind `json:"kinds"`
	Diff   []string       `json:"diff"`
}

// dashSampleCount is how many mismatches per rule the page shows.
const dashSampleCount = 5

func (dp *DataPlane) dashShadows() []dashShadow {
	reports := dp.ShadowReports()
	out := make([]dashShadow, 0, len(reports))
	for _, r := range reports {
		d := dashShadow{ShadowReport: r}
		for _, s := range r.Report.Samples[:min(len(r.Report.Samples), dashSampleCount)] {
			d.Samples = append(d.Samples, dashMismatch{Time: s.Time, Method: s.Method, URI: s.URI, Kinds: s.Kinds, Diff: s.Diff})
		}
		d.ShadowReport.Report.Samples = nil
		out = append(out, d)
	}
	return out
}

type dashLB struct {
	Name      string         `json:"name"`
	Listeners []dashListener `json:"listeners"`
}

type dashListener struct {
	Name  string     `json:"name"`
	Rules []dashRule `json:"rules"`
}

type dashRule struct {
	Priority int    `json:"priority"`
	Summary  string `json:"summary"`
	Requests uint64 `json:"requests"`
	// LastMatch is when the rule last routed a request in the last 15 minutes, omitted otherwise.
	LastMatch *time.Time `json:"last_match,omitempty"`
	// Series names the rule's history series in history.json.
	Series string `json:"series"`
}

type dashTG struct {
	Name    string       `json:"name"`
	Series  string       `json:"series"`
	Type    string       `json:"type"`
	Targets []dashTarget `json:"targets"`
}

type dashTarget struct {
	ID     string `json:"id"`
	Port   int    `json:"port,omitempty"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
	// Series names the target's history series; History is its recorded state changes.
	Series  string                 `json:"series,omitempty"`
	History []observe.HealthChange `json:"history,omitempty"`
}

type dashFunction struct {
	Name        string `json:"name"`
	Starting    int    `json:"starting"`
	Idle        int    `json:"idle"`
	Busy        int    `json:"busy"`
	Invocations uint64 `json:"invocations"`
	Errors      uint64 `json:"errors"`
	Throttles   uint64 `json:"throttles"`
	ColdStarts  uint64 `json:"cold_starts"`
}

// dashboardState is the page's data, from the latest build's configuration and the counters.
func (dp *DataPlane) dashboardState() dashState {
	o := dp.obs()
	recent, failures := o.metrics.ListRecent()
	s := dashState{Node: dp.opts.NodeName, Recent: recent, Failures: failures, Functions: dp.dashFunctions(),
		Shadows: dp.dashShadows(), Shifts: dp.ShiftStatuses()}
	sv := dp.served.Load()
	if sv == nil {
		return s
	}
	cfg := sv.cfg
	for i := range cfg.LoadBalancers {
		lb := &cfg.LoadBalancers[i]
		id := loadBalancerID(cfg, lb.Name)
		d := dashLB{Name: lb.Name}
		for j := range lb.Listeners {
			l := &lb.Listeners[j]
			name := listenerName(l)
			dl := dashListener{Name: name}
			rules := slices.Clone(l.Rules)
			slices.SortFunc(rules, func(a, b config.Rule) int { return a.Priority - b.Priority })
			for _, r := range rules {
				dl.Rules = append(dl.Rules, o.dashRule(id, name, r.Priority, ruleSummary(&r)))
			}
			dl.Rules = append(dl.Rules, o.dashRule(id, name, 0, "default → "+DescribeAction(ptr(RoutingAction(l.DefaultActions)), "")))
			d.Listeners = append(d.Listeners, dl)
		}
		s.LoadBalancers = append(s.LoadBalancers, d)
	}
	s.TargetGroups = o.dashTargetGroups(sv)
	return s
}

// dashRule is a rule's counters: requests since start and the last match.
func (o *observability) dashRule(lb, listener string, priority int, summary string) dashRule {
	r := dashRule{Priority: priority, Summary: summary, Requests: o.metrics.RuleRequests(lb, listener, priority),
		Series: observe.RuleName(lb, listener, priority)}
	if t := o.metrics.History().LastMatch(lb, listener, priority); !t.IsZero() {
		r.LastMatch = &t
	}
	return r
}

func ptr[T any](v T) *T { return &v }

// ruleSummary words a rule's conditions and action in one line.
func ruleSummary(r *config.Rule) string {
	var conds []string
	for _, c := range r.Conditions {
		spec := conditionSpec(&c)
		values := spec.Values
		for _, kv := range spec.QueryValues {
			values = append(values, kv.Key+"="+kv.Value)
		}
		field := c.Field
		if spec.HeaderName != "" {
			field += " " + spec.HeaderName
		}
		conds = append(conds, field+" "+strings.Join(values, "|"))
	}
	return strings.Join(conds, " AND ") + " → " + DescribeAction(ptr(RoutingAction(r.Actions)), "")
}

// dashTargetGroups lists every target group with its targets' health states.
func (o *observability) dashTargetGroups(sv *served) []dashTG {
	cfg, groups := sv.cfg, &sv.groups
	var out []dashTG
	for i := range cfg.TargetGroups {
		tg := &cfg.TargetGroups[i]
		d := dashTG{Name: tg.Name, Type: tg.EffectiveTargetType(), Series: tgID(cfg.TargetGroupARN(tg.Name))}
		if groups != nil {
			if hg, ok := (*groups)[tg.Name].(interface{ Targets() []*targetgroup.Target }); ok {
				for _, t := range hg.Targets() {
					h := t.Health()
					addr := targetAddr(h.ID, h.Port)
					d.Targets = append(d.Targets, dashTarget{ID: h.ID, Port: h.Port, State: h.State.String(), Reason: h.Reason,
						Series: observe.TargetName(d.Series, addr), History: o.metrics.History().HealthHistory(d.Series, addr)})
				}
			}
		}
		if d.Type == config.TargetTypeLambda {
			for _, t := range tg.Targets {
				d.Targets = append(d.Targets, dashTarget{ID: t.ID, State: "function"})
			}
		}
		out = append(out, d)
	}
	return out
}

// dashFunctions lists every running function's environments and counters.
func (dp *DataPlane) dashFunctions() []dashFunction {
	s := dp.functions
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]dashFunction, 0, len(s.running))
	for name, rf := range s.running {
		st := rf.fn.Stats()
		out = append(out, dashFunction{Name: name, Starting: st.Starting, Idle: st.Idle, Busy: st.Busy,
			Invocations: st.Invocations, Errors: st.Errors, Throttles: st.Throttles, ColdStarts: st.ColdStarts})
	}
	slices.SortFunc(out, func(a, b dashFunction) int { return strings.Compare(a.Name, b.Name) })
	return out
}
