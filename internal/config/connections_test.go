package config

import "testing"

// TestConnectionCapAttributes: Albatross's own connection caps are validated like any attribute
// but stay out of the attribute listing (DescribeLoadBalancerAttributes) unless set.
func TestConnectionCapAttributes(t *testing.T) {
	t.Parallel()
	set := func(k, v string) mutation {
		return func(c *Config) { c.LoadBalancers[0].Attributes = map[string]string{k: v} }
	}
	path := func(k string) []string { return []string{`load_balancers[0].attributes["` + k + `"]`} }
	runValidation(t, []validationCase{
		{desc: "max set", mutate: set(AttrMaxConnections, "50000")},
		{desc: "per-IP set", mutate: set(AttrMaxConnectionsPerIP, "10")},
		{desc: "max zero", mutate: set(AttrMaxConnections, "0"), want: path(AttrMaxConnections)},
		{desc: "per-IP not a number", mutate: set(AttrMaxConnectionsPerIP, "many"), want: path(AttrMaxConnectionsPerIP)},
		{desc: "max too large", mutate: set(AttrMaxConnections, "1000001"), want: path(AttrMaxConnections)},
	})
	var lb LoadBalancer
	if lb.Attribute(AttrMaxConnections) != "10000" || lb.Attribute(AttrMaxConnectionsPerIP) != "1000" {
		t.Errorf("defaults %q, %q", lb.Attribute(AttrMaxConnections), lb.Attribute(AttrMaxConnectionsPerIP))
	}
	if _, listed := LoadBalancerAttributeDefaults()[AttrMaxConnections]; listed {
		t.Error("an unset Albatross key is listed among the load balancer attributes")
	}
	lb.Attributes = map[string]string{AttrMaxConnectionsPerIP: "10"}
	if got := lb.EffectiveAttributes()[AttrMaxConnectionsPerIP]; got != "10" {
		t.Errorf("a set Albatross key is listed as %q, want 10", got)
	}
}
