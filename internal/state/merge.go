package state

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

// fromFile turns the file's configuration into records marked SourceFile. Their ARNs come from
// the config ARN helpers, which is what the data plane reports too (e.g. a Lambda event's
// targetGroupArn).
func fromFile(cfg *config.Config, loaded time.Time) Resources {
	var r Resources
	if cfg == nil {
		return r
	}
	c := clone(cfg)
	for _, lb := range c.LoadBalancers {
		lbARN := c.LoadBalancerARN(lb.Name)
		scheme := SchemeInternal
		for _, l := range lb.Listeners {
			if SchemeFor(l.Address) != SchemeInternal {
				scheme = SchemeInternetFacing
			}
		}
		for _, l := range lb.Listeners {
			lARN := c.ListenerARN(lb.Name, l.Address, l.Port)
			for _, rule := range l.Rules {
				r.Rules = append(r.Rules, Rule{ARN: c.RuleARN(lb.Name, l.Address, l.Port, rule.Priority),
					ListenerARN: lARN, Source: SourceFile, Spec: rule})
			}
			l.Rules = nil
			r.Listeners = append(r.Listeners, Listener{ARN: lARN, LoadBalancerARN: lbARN, Source: SourceFile,
				DefaultRuleARN: c.RuleARN(lb.Name, l.Address, l.Port, 0), Spec: l})
		}
		lb.Listeners = nil
		r.LoadBalancers = append(r.LoadBalancers, LoadBalancer{ARN: lbARN, Source: SourceFile, Created: loaded,
			Scheme: scheme, IPAddressType: "ipv4", Spec: lb})
	}
	for _, tg := range c.TargetGroups {
		r.TargetGroups = append(r.TargetGroups, TargetGroup{ARN: c.TargetGroupARN(tg.Name), Source: SourceFile,
			Created: loaded, Spec: tg})
	}
	for _, f := range c.Functions {
		r.Functions = append(r.Functions, Function{ARN: c.FunctionARN(f.FunctionName), Source: SourceFile,
			LastModified: loaded, Spec: f})
	}
	return r
}

// SchemeFor returns the ELBv2 scheme of a listener bound to address: "internal" on loopback,
// else "internet-facing".
func SchemeFor(address string) string {
	if address == "127.0.0.1" || address == "::1" || address == "localhost" {
		return SchemeInternal
	}
	return SchemeInternetFacing
}

// Schemes of load balancers. An API-made load balancer's listeners bind to the loopback address
// when it is internal and to all interfaces when it is internet-facing (docs/api.md).
const (
	SchemeInternal       = "internal"
	SchemeInternetFacing = "internet-facing"
)

// ListenerAddress is the bind address of the listeners of an API-made load balancer with the
// given scheme.
func ListenerAddress(scheme string) string {
	if scheme == SchemeInternal {
		return "127.0.0.1"
	}
	return ""
}

// merge joins the file's configuration and the API records into the configuration to validate
// and serve: the file's resources first, in file order, then the API's in creation order. Rules
// are sorted by priority for readability; the data plane orders them itself.
func merge(file *config.Config, api *Resources) *config.Config {
	out := &config.Config{}
	if file != nil {
		out = clone(file)
	}
	a := clone(api)
	addRegistered(out, a)
	for _, lb := range a.LoadBalancers {
		spec := lb.Spec
		for _, l := range a.ListenersOf(lb.ARN) {
			ls := l.Spec
			for _, r := range a.RulesOf(l.ARN) {
				ls.Rules = append(ls.Rules, withTagAttributes(r))
			}
			slices.SortStableFunc(ls.Rules, func(x, y config.Rule) int { return cmp.Compare(x.Priority, y.Priority) })
			spec.Listeners = append(spec.Listeners, ls)
		}
		out.LoadBalancers = append(out.LoadBalancers, spec)
	}
	for _, tg := range a.TargetGroups {
		out.TargetGroups = append(out.TargetGroups, tg.Spec)
	}
	for _, f := range a.Functions {
		out.Functions = append(out.Functions, f.Spec)
	}
	return out
}

// clone deep-copies v through JSON: the model is plain data (maps, slices, pointers to scalars),
// and a copy made this way can never share memory with the original.
func clone[T any](v *T) *T {
	data, err := json.Marshal(v)
	if err != nil {
		panic("state: cannot copy " + err.Error()) // plain data always marshals
	}
	out := new(T)
	if err := json.Unmarshal(data, out); err != nil {
		panic("state: cannot copy " + err.Error())
	}
	return out
}

// withTagAttributes returns an API rule's spec with its "albatross." tags as its Albatross rule
// attributes: rules have no attributes in the ELBv2 API, so tags carry Albatross's own
// (docs/strangler.md), validated like the file's albatross_attributes.
func withTagAttributes(r *Rule) config.Rule {
	spec := r.Spec
	for _, t := range r.Tags {
		if strings.HasPrefix(t.Key, config.RuleAttributePrefix) {
			if spec.AlbatrossAttributes == nil {
				spec.AlbatrossAttributes = map[string]string{}
			}
			spec.AlbatrossAttributes[t.Key] = t.Value
		}
	}
	return spec
}
