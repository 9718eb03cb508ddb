// Package explain answers `albatross explain` and the API's /explain: how a configuration would
// handle one request, rule by rule, with the same translation (package reconcile) and pipeline
// (router.Rehearse, rule.Table.Explain) the data plane runs, so that it cannot drift from them.
package explain

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/lambdatarget"
	"github.com/albatross-lb/albatross/internal/reconcile"
	"github.com/albatross-lb/albatross/internal/router"
	"github.com/albatross-lb/albatross/internal/rule"
)

// Explanation is how a configuration would handle one request, for `albatross explain`.
type Explanation struct {
	// LoadBalancer and Listener name where the request arrives ("web", "HTTP:8080").
	LoadBalancer, Listener string
	// Rejected is the load balancer's own rejection before routing (e.g. 463), 0 for none.
	Rejected int
	// Rules are every rule's verdicts in priority order (RUL-01); Rules[i].Index indexes
	// the listener's configured rules.
	Rules []rule.RuleResult
	// Priority is the rule that runs: its priority, 0 for the default rule (RUL-02).
	Priority int
	// Action is the routing action that runs (ACT-01: the last by order).
	Action config.Action
	// Authentication is the authentication action that runs before Action, nil for none.
	Authentication *config.Action
	// Location is a redirect's Location.
	Location string
	// Shadow and Shift word the rule's shadow traffic and gated shift (Albatross's own,
	// docs/strangler.md), "" for none.
	Shadow, Shift string
	// Events are, for a forward, the event JSON each Lambda target group would receive, by
	// target group name (exactly the bytes sent; targets of other types have none).
	Events []TargetEvent
}

// TargetEvent is the event one Lambda target group would be invoked with.
type TargetEvent struct {
	TargetGroup string
	JSON        []byte
	// Err says why no event could be built (the ALB would answer with an error).
	Err error
}

// Explain evaluates r against the listener of cfg on port, with the same
// pipeline the data plane runs: the load balancer's checks, every rule (not stopping at the
// first match), the forwarding headers and, for Lambda targets, the event. cfg must have passed
// Validate. r.RemoteAddr is the client (source-ip conditions read it); its body is read.
func Explain(cfg *config.Config, r *http.Request, port int) (*Explanation, error) {
	lb, l, err := listenerFor(cfg, port)
	if err != nil {
		return nil, err
	}
	specs := make([]rule.Rule, len(l.Rules))
	routes := make([]router.Route, len(l.Rules))
	for i := range l.Rules {
		specs[i] = reconcile.RuleSpec(&l.Rules[i])
		routes[i] = router.Route{Priority: l.Rules[i].Priority}
	}
	table, err := rule.NewTable(specs)
	if err != nil {
		return nil, err
	}
	settings, err := reconcile.ListenerSettings(cfg, lb, l)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	source, _ := netip.ParseAddrPort(r.RemoteAddr)
	ex := &Explanation{LoadBalancer: lb.Name, Listener: settings.Protocol + ":" + strconv.Itoa(l.Port)}
	ex.Rules = table.Explain(r.Clone(r.Context()), source.Addr().Unmap())
	reh := router.New(settings, table, routes, nil, nil, nil).Rehearse(r)
	if reh.Rejected != 0 {
		ex.Rejected = reh.Rejected
		return ex, nil
	}
	acts := l.DefaultActions
	if reh.Index >= 0 {
		acts = l.Rules[reh.Index].Actions
		ex.Priority = l.Rules[reh.Index].Priority
		ex.Shadow = reconcile.DescribeShadow(&l.Rules[reh.Index])
		ex.Shift = reconcile.DescribeShift(&l.Rules[reh.Index])
	}
	ex.Action = reconcile.RoutingAction(acts)
	ex.Authentication = authAction(acts)
	switch ex.Action.Type {
	case config.ActionRedirect:
		ex.Location = reconcile.Redirect(ex.Action.RedirectConfig, true).Location(action.OriginOf(reh.Request))
	case config.ActionForward:
		ex.Events = lambdaEvents(cfg, &ex.Action, reh.Request, body)
	}
	return ex, nil
}

// listenerFor finds the listener on port.
func listenerFor(cfg *config.Config, port int) (*config.LoadBalancer, *config.Listener, error) {
	var ports []int
	for i := range cfg.LoadBalancers {
		lb := &cfg.LoadBalancers[i]
		for j := range lb.Listeners {
			if lb.Listeners[j].Port == port {
				return lb, &lb.Listeners[j], nil
			}
			ports = append(ports, lb.Listeners[j].Port)
		}
	}
	return nil, nil, fmt.Errorf("no listener on port %d (listeners: %v)", port, ports)
}

// lambdaEvents builds the event of every Lambda target group a forward names.
func lambdaEvents(cfg *config.Config, a *config.Action, r *http.Request, body []byte) []TargetEvent {
	refs := []string{a.TargetGroupName + a.TargetGroupARN}
	if a.ForwardConfig != nil {
		refs = refs[:0]
		for _, t := range a.ForwardConfig.TargetGroups {
			refs = append(refs, t.TargetGroupName+t.TargetGroupARN)
		}
	}
	var out []TargetEvent
	for _, ref := range refs {
		tg, ok := cfg.LookupTargetGroup(ref)
		if !ok || tg.EffectiveTargetType() != config.TargetTypeLambda {
			continue
		}
		t := lambdatarget.New(lambdatarget.Options{
			TargetGroupARN:    cfg.TargetGroupARN(tg.Name),
			MultiValueHeaders: tg.Attribute(config.AttrLambdaMultiValueHeaders) == "true",
		})
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		ev, err := t.Event(r)
		out = append(out, TargetEvent{TargetGroup: tg.Name, JSON: ev, Err: err})
	}
	return out
}
