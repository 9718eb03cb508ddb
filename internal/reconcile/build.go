package reconcile

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/listener"
	"github.com/albatross-lb/albatross/internal/router"
	"github.com/albatross-lb/albatross/internal/rule"
	lambdatarget "github.com/albatross-lb/albatross/internal/target/lambda"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// graph is one compiled configuration: a handler per listener address.
type graph struct {
	listeners map[string]*listenerPlan
	// targets is every registered HTTP target, so the registry can forget the others.
	targets map[*targetgroup.Target]bool
}

type listenerPlan struct {
	path, protocol, loadBalancer string
	handler                      http.Handler
	options                      listener.Options
}

// builder compiles one configuration.
type builder struct {
	rt     *Runtime
	cfg    *config.Config
	fns    *preparedFunctions
	groups map[string]action.TargetGroup
	g      *graph
}

func (rt *Runtime) build(cfg *config.Config, fns *preparedFunctions) (*graph, error) {
	b := &builder{rt: rt, cfg: cfg, fns: fns, groups: map[string]action.TargetGroup{},
		g: &graph{listeners: map[string]*listenerPlan{}, targets: map[*targetgroup.Target]bool{}}}
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
				return nil, err
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
			MultiValueHeaders: tg.Attribute("lambda.multi_value_headers.enabled") == "true",
			Strict:            tg.Attribute("albatross.lambda.strict") == "true",
			Logger:            b.rt.log,
		}
		if len(tg.Targets) > 0 {
			id := tg.Targets[0].ID
			if inv := b.fns.invoker(id); inv != nil {
				o.Invoker = inv
				o.FunctionARN = b.fns.invokedARN(b.cfg, id)
			}
			// The function's health lives in the registry too (HC-03, HC-04), for TargetHealth.
			target := b.rt.registry.Target(tg.Name, id, 0)
			b.g.targets[target] = true
			b.rt.registry.Check(target, lambdaCheck(tg, arn, o.Invoker, lb != nil))
		}
		return &lambdaGroup{Target: lambdatarget.New(o), arn: arn}
	}
	targets := make([]*targetgroup.Target, 0, len(tg.Targets))
	for _, t := range tg.Targets {
		port := tg.TargetPort(t)
		target := b.rt.registry.Target(tg.Name, t.ID, port)
		b.g.targets[target] = true
		b.rt.registry.Check(target, targetCheck(tg, target, lb != nil))
		targets = append(targets, target)
	}
	o := groupOptions(tg, b.rt.stickyKey)
	o.ProtocolVersion = protocolVersion(tg) // H2-06: 464 for requests the version does not take
	group := targetgroup.NewGroup(tg.Name, arn, targets, o)
	return targetgroup.NewHTTPGroup(group, b.rt.proxies.get(targetProxyOptions(lb, tg)))
}

func (b *builder) listener(path string, lb *config.LoadBalancer, l *config.Listener) (*listenerPlan, error) {
	serverHeader := l.Attribute("routing.http.response.server.enabled") != "false"
	specs := make([]rule.Rule, len(l.Rules))
	routes := make([]router.Route, len(l.Rules))
	for i := range l.Rules {
		r := &l.Rules[i]
		specs[i] = ruleSpec(r)
		routes[i] = router.Route{Priority: r.Priority, Action: b.actions(r.Actions, serverHeader)}
	}
	table, err := rule.NewTable(specs)
	if err != nil {
		return nil, fmt.Errorf("%s.rules: %w", path, err)
	}
	settings, err := listenerSettings(b.cfg, lb, l)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	options, err := listenerOptions(lb, l, acmeDir(b.rt.opts.CacheDir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	options.Handshakes = b.handshakes(lb, l)
	protocol := settings.Protocol
	h := router.New(settings, table, routes, b.actions(l.DefaultActions, serverHeader), b.observer(lb, l), b.rt.log)
	return &listenerPlan{path: path, protocol: protocol, loadBalancer: lb.Name, handler: h, options: options}, nil
}

// actions compiles an action list into its routing action (ACT-01: the last by order; Validate
// guarantees exactly one).
func (b *builder) actions(acts []config.Action, serverHeader bool) action.Handler {
	last := acts[0]
	for _, a := range acts[1:] {
		if a.Order > last.Order {
			last = a
		}
	}
	switch last.Type {
	case config.ActionRedirect:
		c := last.RedirectConfig
		return action.NewRedirect(action.RedirectConfig{
			Protocol: c.Protocol, Port: c.Port, Host: c.Host, Path: c.Path, Query: c.Query,
			Permanent: c.StatusCode == "HTTP_301",
		}, serverHeader)
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
		sticky = action.NewStickiness(b.rt.stickyKey, time.Duration(s.DurationSeconds)*time.Second)
	}
	return action.NewForward(groups, sticky)
}

func (b *builder) groupRef(name, arn string) action.TargetGroup {
	if name == "" {
		name, _ = config.ParseTargetGroupARN(arn)
	}
	return b.groups[name]
}

func seconds(v string) time.Duration {
	n, _ := strconv.Atoi(v)
	return time.Duration(n) * time.Second
}

// lambdaGroup is a Lambda target group as a forward destination.
type lambdaGroup struct {
	*lambdatarget.Target
	arn string
}

func (g *lambdaGroup) TargetGroupARN() string { return g.arn }

// dnsName is the name HTTP/1.0 requests without Host are given (LST-05): the load balancer's
// DNS name in the AWS shape, under the reserved .localhost domain since nothing resolves it.
func dnsName(cfg *config.Config, lb string) string {
	arn := cfg.LoadBalancerARN(lb)
	return lb + "-" + arn[len(arn)-16:] + "." + cfg.EffectiveRegion() + ".elb.localhost"
}
