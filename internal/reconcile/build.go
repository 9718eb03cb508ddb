package reconcile

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/health"
	"github.com/albatross-lb/albatross/internal/lambdatarget"
	"github.com/albatross-lb/albatross/internal/listener"
	"github.com/albatross-lb/albatross/internal/router"
	"github.com/albatross-lb/albatross/internal/rule"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

type listenerPlan struct {
	path, protocol, loadBalancer string
	handler                      http.Handler
	options                      listener.Options
}

// builder compiles one configuration.
type builder struct {
	dp     *DataPlane
	cfg    *config.Config
	fns    *preparedFunctions
	groups map[string]action.TargetGroup
	g      *graph
}

// build compiles cfg into a graph. On error the graph returned holds what was prepared so far,
// for discard.
func (dp *DataPlane) build(cfg *config.Config, fns *preparedFunctions) (*graph, error) {
	o := dp.obs()
	g := &graph{cfg: cfg, listeners: map[string]*listenerPlan{}, groups: map[string]action.TargetGroup{},
		targets: map[*targetgroup.Target]bool{}, shadows: map[string]*shadowedRule{}, shifts: map[string]*stagedShift{},
		accessLogs: o.accessLogs.stage(), connLogs: o.connLogs.stage(), healthLogs: o.healthLogs.stage()}
	b := &builder{dp: dp, cfg: cfg, fns: fns, groups: g.groups, g: g}
	owners := targetGroupOwners(cfg)
	for i := range cfg.TargetGroups {
		tg := &cfg.TargetGroups[i]
		var lb *config.LoadBalancer
		if j, ok := owners[tg.Name]; ok {
			lb = &cfg.LoadBalancers[j]
		}
		b.groups[tg.Name] = b.targetGroup(tg, lb)
	}
	for i := range cfg.LoadBalancers {
		lb := &cfg.LoadBalancers[i]
		for j := range lb.Listeners {
			path := fmt.Sprintf("load_balancers[%d].listeners[%d]", i, j)
			plan, err := b.listener(path, lb, &lb.Listeners[j])
			if err != nil {
				return b.g, err
			}
			b.g.listeners[listenAddr(&lb.Listeners[j])] = plan
		}
	}
	return b.g, nil
}

func (b *builder) targetGroup(tg *config.TargetGroup, lb *config.LoadBalancer) action.TargetGroup {
	arn := b.cfg.TargetGroupARN(tg.Name)
	if tg.EffectiveTargetType() == config.TargetTypeLambda {
		o := lambdatarget.Options{
			TargetGroupARN:    arn,
			MultiValueHeaders: tg.Attribute(config.AttrLambdaMultiValueHeaders) == "true",
			Strict:            tg.Attribute(config.AttrLambdaStrict) == "true",
			Logger:            b.dp.log,
		}
		if len(tg.Targets) > 0 {
			id := tg.Targets[0].ID
			if inv := b.fns.invoker(id); inv != nil {
				o.Invoker = inv
				o.FunctionARN = b.fns.invokedARN(b.cfg, id)
			}
			// The function's health lives in the registry too (HC-03, HC-04), for TargetHealth.
			target := b.dp.registry.Target(tg.Name, id, 0)
			b.g.targets[target] = true
			b.dp.registry.Check(target, b.withHealthLog(lambdaCheck(tg, arn, o.Invoker, lb != nil), lb, tg, health.KindLambda, o.FunctionARN))
		}
		return targetgroup.NewLambdaGroup(arn, lambdatarget.New(o))
	}
	targets := make([]*targetgroup.Target, 0, len(tg.Targets))
	for _, t := range tg.Targets {
		port := tg.TargetPort(t)
		target := b.dp.registry.Target(tg.Name, t.ID, port)
		b.g.targets[target] = true
		b.dp.registry.Check(target, b.withHealthLog(targetCheck(tg, target, lb != nil), lb, tg, checkKind(tg), target.Addr))
		targets = append(targets, target)
	}
	o := groupOptions(tg, b.dp.stickyKey)
	o.ProtocolVersion = protocolVersion(tg) // H2-06: 464 for requests the version does not take
	group := targetgroup.NewGroup(tg.Name, arn, targets, o)
	b.g.httpGroups = append(b.g.httpGroups, group)
	return targetgroup.NewHTTPGroup(group, b.dp.proxies.get(targetProxyOptions(lb, tg)))
}

func (b *builder) listener(path string, lb *config.LoadBalancer, l *config.Listener) (*listenerPlan, error) {
	serverHeader := serverHeader(l)
	specs := make([]rule.Rule, len(l.Rules))
	routes := make([]router.Route, len(l.Rules))
	for i := range l.Rules {
		r := &l.Rules[i]
		specs[i] = RuleSpec(r)
		routes[i] = router.Route{Priority: r.Priority, Action: b.ruleActions(lb, l, r, serverHeader)}
	}
	table, err := rule.NewTable(specs)
	if err != nil {
		return nil, fmt.Errorf("%s.rules: %w", path, err)
	}
	settings, err := ListenerSettings(b.cfg, lb, l)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	options, err := listenerOptions(b.cfg, lb, l, acmeDir(b.dp.opts.CacheDir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	options.Handshakes = b.handshakes(lb, l)
	options.Rejections = b.dp.obs().metrics.RejectedConnections(loadBalancerID(b.cfg, lb.Name))
	if l.EffectiveProtocol() == config.ProtocolHTTPS {
		options.TLSErrors = b.dp.obs().metrics.ClientTLSErrors(loadBalancerID(b.cfg, lb.Name))
	}
	protocol := settings.Protocol
	h := router.New(settings, table, routes, b.actions(lb, l.DefaultActions, serverHeader), b.observer(lb, l), b.dp.log)
	return &listenerPlan{path: path, protocol: protocol, loadBalancer: lb.Name, handler: h, options: options}, nil
}

// actions compiles an action list: its routing action (RoutingAction), behind the
// authentication action when there is one (auth.go).
func (b *builder) actions(lb *config.LoadBalancer, acts []config.Action, serverHeader bool) action.Handler {
	return b.guard(lb, acts, b.routingAction(acts, serverHeader), serverHeader)
}

// ruleActions compiles a rule's actions: as actions does, with the forward's weights moved by
// the rule's shift controller (shift.go) and its requests copied to the rule's shadow target
// group (shadow.go) when it has them.
func (b *builder) ruleActions(lb *config.LoadBalancer, l *config.Listener, r *config.Rule, serverHeader bool) action.Handler {
	routing := b.routingAction(r.Actions, serverHeader)
	if r.Shifted() {
		routing = b.shifted(lb, l, r, routing)
	}
	if r.Shadowed() {
		routing = b.shadowed(lb, l, r, routing)
	}
	return b.guard(lb, r.Actions, routing, serverHeader)
}

func (b *builder) routingAction(acts []config.Action, serverHeader bool) action.Handler {
	last := RoutingAction(acts)
	switch last.Type {
	case config.ActionRedirect:
		return Redirect(last.RedirectConfig, serverHeader)
	case config.ActionFixedResponse:
		c := last.FixedResponseConfig
		status, _ := strconv.Atoi(c.StatusCode)
		return action.NewFixedResponse(status, c.ContentType, c.MessageBody, serverHeader)
	default:
		return b.forward(&last)
	}
}

func (b *builder) forward(a *config.Action) action.Handler {
	if a.ForwardConfig == nil {
		return action.NewForward([]action.Weighted{{Group: b.groupRef(a.TargetGroupName, a.TargetGroupARN), Weight: 1}}, nil)
	}
	fc := a.ForwardConfig
	groups := make([]action.Weighted, 0, len(fc.TargetGroups))
	for _, t := range fc.TargetGroups {
		w := 1
		if t.Weight != nil {
			w = *t.Weight
		}
		groups = append(groups, action.Weighted{Group: b.groupRef(t.TargetGroupName, t.TargetGroupARN), Weight: w})
	}
	var sticky *action.Stickiness
	if s := fc.TargetGroupStickinessConfig; s != nil && s.Enabled {
		sticky = action.NewStickiness(b.dp.stickyKey, time.Duration(s.DurationSeconds)*time.Second)
	}
	return action.NewForward(groups, sticky)
}

func (b *builder) groupRef(name, arn string) action.TargetGroup {
	if name == "" {
		name, _ = config.ParseTargetGroupARN(arn)
	}
	return b.groups[name]
}
