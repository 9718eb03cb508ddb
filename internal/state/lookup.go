package state

// Lookups by ARN or name over a set of records. They return pointers into r, so that the
// function given to Store.Update can change a record in place.

// LoadBalancer returns the load balancer with the given ARN.
func (r *Resources) LoadBalancer(arn string) *LoadBalancer {
	for i := range r.LoadBalancers {
		if r.LoadBalancers[i].ARN == arn {
			return &r.LoadBalancers[i]
		}
	}
	return nil
}

// LoadBalancerByName returns the load balancer called name.
func (r *Resources) LoadBalancerByName(name string) *LoadBalancer {
	for i := range r.LoadBalancers {
		if r.LoadBalancers[i].Spec.Name == name {
			return &r.LoadBalancers[i]
		}
	}
	return nil
}

// Listener returns the listener with the given ARN.
func (r *Resources) Listener(arn string) *Listener {
	for i := range r.Listeners {
		if r.Listeners[i].ARN == arn {
			return &r.Listeners[i]
		}
	}
	return nil
}

// ListenersOf returns the listeners of the load balancer lbARN, in creation order.
func (r *Resources) ListenersOf(lbARN string) []*Listener {
	var out []*Listener
	for i := range r.Listeners {
		if r.Listeners[i].LoadBalancerARN == lbARN {
			out = append(out, &r.Listeners[i])
		}
	}
	return out
}

// Rule returns the rule with the given ARN.
func (r *Resources) Rule(arn string) *Rule {
	for i := range r.Rules {
		if r.Rules[i].ARN == arn {
			return &r.Rules[i]
		}
	}
	return nil
}

// RulesOf returns the rules of the listener listenerARN, in creation order.
func (r *Resources) RulesOf(listenerARN string) []*Rule {
	var out []*Rule
	for i := range r.Rules {
		if r.Rules[i].ListenerARN == listenerARN {
			out = append(out, &r.Rules[i])
		}
	}
	return out
}

// TargetGroup returns the target group with the given ARN.
func (r *Resources) TargetGroup(arn string) *TargetGroup {
	for i := range r.TargetGroups {
		if r.TargetGroups[i].ARN == arn {
			return &r.TargetGroups[i]
		}
	}
	return nil
}

// TargetGroupByName returns the target group called name.
func (r *Resources) TargetGroupByName(name string) *TargetGroup {
	for i := range r.TargetGroups {
		if r.TargetGroups[i].Spec.Name == name {
			return &r.TargetGroups[i]
		}
	}
	return nil
}

// Function returns the function called name.
func (r *Resources) Function(name string) *Function {
	for i := range r.Functions {
		if r.Functions[i].Spec.FunctionName == name {
			return &r.Functions[i]
		}
	}
	return nil
}

// DeleteLoadBalancer removes the load balancer arn with its listeners and their rules.
func (r *Resources) DeleteLoadBalancer(arn string) {
	var listeners []string
	for _, l := range r.ListenersOf(arn) {
		listeners = append(listeners, l.ARN)
	}
	for _, l := range listeners {
		r.DeleteListener(l)
	}
	r.LoadBalancers = deleteWhere(r.LoadBalancers, func(lb LoadBalancer) bool { return lb.ARN == arn })
}

// DeleteListener removes the listener arn and its rules.
func (r *Resources) DeleteListener(arn string) {
	r.Rules = deleteWhere(r.Rules, func(x Rule) bool { return x.ListenerARN == arn })
	r.Listeners = deleteWhere(r.Listeners, func(l Listener) bool { return l.ARN == arn })
}

// DeleteRule removes the rule arn.
func (r *Resources) DeleteRule(arn string) {
	r.Rules = deleteWhere(r.Rules, func(x Rule) bool { return x.ARN == arn })
}

// DeleteTargetGroup removes the target group arn.
func (r *Resources) DeleteTargetGroup(arn string) {
	r.TargetGroups = deleteWhere(r.TargetGroups, func(tg TargetGroup) bool { return tg.ARN == arn })
}

// DeleteFunction removes the function called name.
func (r *Resources) DeleteFunction(name string) {
	r.Functions = deleteWhere(r.Functions, func(f Function) bool { return f.Spec.FunctionName == name })
}

func deleteWhere[T any](s []T, match func(T) bool) []T {
	out := s[:0]
	for _, x := range s {
		if !match(x) {
			out = append(out, x)
		}
	}
	return out
}
