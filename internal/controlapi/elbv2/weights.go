package elbv2

import (
	"strconv"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/state"
)

// WeightSource reports the weights in force on a rule whose forward a gated shift moves
// (Albatross's own, docs/strangler.md): by target group name, for the rule named
// "<load balancer>/<listener port>/<priority>". ok is false for a rule no shift moves.
type WeightSource interface {
	ForwardWeights(rule string) (weights map[string]int, ok bool)
}

// withLiveWeights puts the weights a shift has set into a rendered rule, so that DescribeRules
// shows the ordinary ALB weights the traffic follows.
func (c *call) withLiveWeights(r *state.Rule, x xmlRule) xmlRule {
	src := c.h.weights
	l := c.snap.Listener(r.ListenerARN)
	if src == nil || l == nil {
		return x
	}
	lb := c.snap.LoadBalancer(l.LoadBalancerARN)
	if lb == nil {
		return x
	}
	weights, ok := src.ForwardWeights(lb.Spec.Name + "/" + strconv.Itoa(l.Spec.Port) + "/" + strconv.Itoa(r.Spec.Priority))
	if !ok {
		return x
	}
	for _, a := range x.Actions {
		if a.ForwardConfig == nil {
			continue
		}
		for i, t := range a.ForwardConfig.TargetGroups {
			name, _ := config.ParseTargetGroupARN(t.TargetGroupArn)
			if w, ok := weights[name]; ok {
				a.ForwardConfig.TargetGroups[i].Weight = &w
			}
		}
	}
	return x
}
