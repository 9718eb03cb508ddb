package state

// Lookups by ARN or name over a set of records. They return pointers into r, so that the
// function given to Store.Update can change a record in place.

// LoadBalancer returns the load balancer with the given ARN.
func (r *Resources) LoadBalancer(arn string) *LoadBalancer {
	return find(r.LoadBalancers, func(lb *LoadBalancer) bool { return lb.ARN == arn })
}

// LoadBalancerByName returns the load balancer called name.
func (r *Resources) LoadBalancerByName(name string) *LoadBalancer {
	return find(r.LoadBalancers, func(lb *LoadBalancer) bool { return lb.Spec.Name == name })
}

// Listener returns the listener with the given ARN.
func (r *Resources) Listener(arn string) *Listener {
	return find(r.Listeners, func(l *Listener) bool { return l.ARN == arn })
}

// ListenersOf returns the listeners of the load balancer lbARN, in creation order.
func (r *Resources) ListenersOf(lbARN string) []*Listener {
	return findAll(r.Listeners, func(l *Listener) bool { return l.LoadBalancerARN == lbARN })
}

// Rule returns the rule with the given ARN.
func (r *Resources) Rule(arn string) *Rule {
	return find(r.Rules, func(x *Rule) bool { return x.ARN == arn })
}

// RulesOf returns the rules of the listener listenerARN, in creation order.
func (r *Resources) RulesOf(listenerARN string) []*Rule {
	return findAll(r.Rules, func(x *Rule) bool { return x.ListenerARN == listenerARN })
}

// TargetGroup returns the target group with the given ARN.
func (r *Resources) TargetGroup(arn string) *TargetGroup {
	return find(r.TargetGroups, func(tg *TargetGroup) bool { return tg.ARN == arn })
}

// TargetGroupByName returns the target group called name.
func (r *Resources) TargetGroupByName(name string) *TargetGroup {
	return find(r.TargetGroups, func(tg *TargetGroup) bool { return tg.Spec.Name == name })
}

// Function returns the function called name.
func (r *Resources) Function(name string) *Function {
	return find(r.Functions, func(f *Function) bool { return f.Spec.FunctionName == name })
}

// find returns a pointer to the first record of s that matches, nil when none does.
func find[T any](s []T, match func(*T) bool) *T {
	for i := range s {
		if match(&s[i]) {
			return &s[i]
		}
	}
	return nil
}

// findAll returns pointers to the records of s that match, in order.
func findAll[T any](s []T, match func(*T) bool) []*T {
	var out []*T
	for i := range s {
		if match(&s[i]) {
			out = append(out, &s[i])
		}
	}
	return out
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
