package reconcile

import (
	"net/http"
	"slices"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/observe/dashboard"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// DashboardHandler serves the live dashboard; mount it at /dashboard/ on the API address (the
// page is /dashboard/, its data /dashboard/state.json).
func (dp *DataPlane) DashboardHandler() http.Handler {
	return dashboard.Handler(func() any { return dp.dashboardState() })
}

type dashState struct {
	LoadBalancers []dashLB                `json:"load_balancers"`
	TargetGroups  []dashTG                `json:"target_groups"`
	Functions     []dashFunction          `json:"functions"`
	Recent        []observe.RecentRequest `json:"recent"`
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
}

type dashTG struct {
	Name    string       `json:"name"`
	Type    string       `json:"type"`
	Targets []dashTarget `json:"targets"`
}

type dashTarget struct {
	ID     string `json:"id"`
	Port   int    `json:"port,omitempty"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

type dashFunction struct {
	Name        string `json:"name"`
	Starting    int    `json:"starting"`
	Idle        int    `json:"idle"`
	Busy        int    `json:"busy"`
	Invocations uint64 `json:"invocations"`
	Errors      uint64 `json:"errors"`
	Throttles   uint64 `json:"throttles"`
}

// dashboardState is the page's data, from the latest build's configuration and the counters.
func (dp *DataPlane) dashboardState() dashState {
	o := dp.obs()
	s := dashState{Recent: o.metrics.Recent(), Functions: dp.dashFunctions()}
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
				dl.Rules = append(dl.Rules, dashRule{Priority: r.Priority, Summary: ruleSummary(&r),
					Requests: o.metrics.RuleRequests(id, name, r.Priority)})
			}
			dl.Rules = append(dl.Rules, dashRule{Priority: 0, Summary: "default → " + DescribeAction(ptr(RoutingAction(l.DefaultActions)), ""),
				Requests: o.metrics.RuleRequests(id, name, 0)})
			d.Listeners = append(d.Listeners, dl)
		}
		s.LoadBalancers = append(s.LoadBalancers, d)
	}
	s.TargetGroups = dashTargetGroups(sv)
	return s
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
func dashTargetGroups(sv *served) []dashTG {
	var out []dashTG
	for i := range sv.cfg.TargetGroups {
		tg := &sv.cfg.TargetGroups[i]
		d := dashTG{Name: tg.Name, Type: tg.EffectiveTargetType()}
		if hg, ok := sv.groups[tg.Name].(interface{ Targets() []*targetgroup.Target }); ok {
			for _, t := range hg.Targets() {
				h := t.Health()
				d.Targets = append(d.Targets, dashTarget{ID: h.ID, Port: h.Port, State: h.State.String(), Reason: h.Reason})
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
			Invocations: st.Invocations, Errors: st.Errors, Throttles: st.Throttles})
	}
	slices.SortFunc(out, func(a, b dashFunction) int { return strings.Compare(a.Name, b.Name) })
	return out
}
