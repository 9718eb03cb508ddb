package state

import (
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

// Snapshot is one revision of the desired state: every resource, from the file and from the API,
// and the merged configuration being served. It is never changed after it is made.
type Snapshot struct {
	// Resources holds the file's records first, then the API's.
	Resources
	// Config is the merged configuration (file then API), as validated and applied.
	Config *config.Config
}

// newSnapshot records file's and api's resources beside merged, their merge(file, api) as
// validated and applied: the data plane got the same value, and neither side changes it.
func newSnapshot(file *config.Config, loaded time.Time, api *Resources, merged *config.Config) *Snapshot {
	r := fromFile(file, loaded)
	a := clone(api)
	for i := range r.TargetGroups {
		tg := &r.TargetGroups[i]
		tg.Registered = registeredFor(&tg.Spec, a.Registration(tg.Spec.Name))
	}
	r.LoadBalancers = append(r.LoadBalancers, a.LoadBalancers...)
	r.Listeners = append(r.Listeners, a.Listeners...)
	r.Rules = append(r.Rules, a.Rules...)
	r.TargetGroups = append(r.TargetGroups, a.TargetGroups...)
	r.Functions = append(r.Functions, a.Functions...)
	return &Snapshot{Resources: r, Config: merged}
}

// Identity returns a configuration carrying only the region and account of the file (or the
// defaults), for computing the ARNs of new resources.
func (s *Snapshot) Identity() config.Config {
	return config.Config{Region: s.Config.Region, AccountID: s.Config.AccountID}
}

// TargetGroupUsers returns the ARNs of the load balancers whose actions forward to the target
// group called name, in order and without repeats.
func (s *Snapshot) TargetGroupUsers(name string) []string {
	var out []string
	c := s.Config
	for _, lb := range c.LoadBalancers {
		if lbForwardsTo(c, &lb, name) {
			out = append(out, c.LoadBalancerARN(lb.Name))
		}
	}
	return out
}

func lbForwardsTo(c *config.Config, lb *config.LoadBalancer, name string) bool {
	for _, l := range lb.Listeners {
		if ActionsForwardTo(c, l.DefaultActions, name) {
			return true
		}
		for _, r := range l.Rules {
			if ActionsForwardTo(c, r.Actions, name) {
				return true
			}
		}
	}
	return false
}

// ActionsForwardTo reports whether any of acts forwards to the target group called name (by
// name or ARN, short form or forward_config).
func ActionsForwardTo(c *config.Config, acts []config.Action, name string) bool {
	is := func(n, arn string) bool {
		if n == name {
			return true
		}
		got, ok := config.ParseTargetGroupARN(arn)
		return ok && got == name
	}
	for _, a := range acts {
		if is(a.TargetGroupName, a.TargetGroupARN) {
			return true
		}
		if a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				if is(t.TargetGroupName, t.TargetGroupARN) {
					return true
				}
			}
		}
	}
	return false
}
