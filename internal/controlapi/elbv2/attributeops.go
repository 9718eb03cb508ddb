package elbv2

import (
	"maps"

	"github.com/albatross-lb/albatross/internal/state"
)

// attributeOps are the Describe…Attributes and Modify…Attributes calls of one kind of resource
// (load balancer, listener, target group): the same calls on a different record.
type attributeOps[R any] struct {
	// kind names the resource in errors, e.g. "Load balancer".
	kind string
	// arnKey is the form key of the resource's ARN, e.g. "LoadBalancerArn".
	arnKey string
	// find returns the record in the snapshot, or the kind's not-found error.
	find func(c *call, key string) (*R, error)
	// inAPI returns the API-made record, nil when the configuration file owns it.
	inAPI func(api *state.Resources, arn string) *R
	// attributes returns the record's attribute map, for changing, and a function reading its
	// effective attributes as they are when it is called.
	attributes func(r *R) (set *map[string]string, effective func() map[string]string)
}

var (
	loadBalancerAttributes = attributeOps[state.LoadBalancer]{kind: "Load balancer", arnKey: "LoadBalancerArn",
		find: (*call).loadBalancer, inAPI: (*state.Resources).LoadBalancer,
		attributes: func(r *state.LoadBalancer) (*map[string]string, func() map[string]string) {
			return &r.Spec.Attributes, func() map[string]string { return r.Spec.EffectiveAttributes() }
		}}
	listenerAttributes = attributeOps[state.Listener]{kind: "Listener", arnKey: "ListenerArn",
		find: (*call).listener, inAPI: (*state.Resources).Listener,
		attributes: func(r *state.Listener) (*map[string]string, func() map[string]string) {
			return &r.Spec.Attributes, func() map[string]string { return r.Spec.EffectiveAttributes() }
		}}
	targetGroupAttributes = attributeOps[state.TargetGroup]{kind: "Target group", arnKey: "TargetGroupArn",
		find: (*call).targetGroup, inAPI: (*state.Resources).TargetGroup,
		attributes: func(r *state.TargetGroup) (*map[string]string, func() map[string]string) {
			return &r.Spec.Attributes, func() map[string]string { return r.Spec.EffectiveAttributes() }
		}}
)

// describe answers Describe…Attributes: every attribute with its effective value.
func (o attributeOps[R]) describe(c *call) (any, error) {
	r, err := o.find(c, o.arnKey)
	if err != nil {
		return nil, err
	}
	_, effective := o.attributes(r)
	return attributesResult{Attributes: renderAttributes(effective())}, nil
}

// modify answers Modify…Attributes: the given attributes are set, the others kept, and the
// answer is every attribute with its effective value. Resources of the file are refused.
func (o attributeOps[R]) modify(c *call) (any, error) {
	if _, err := o.find(c, o.arnKey); err != nil {
		return nil, err
	}
	attrs, err := parseAttributes(c.form)
	if err != nil {
		return nil, err
	}
	arn := c.form.String(o.arnKey)
	var out map[string]string
	err = c.update(func(snap *state.Snapshot, api *state.Resources) error {
		r := o.inAPI(api, arn)
		if r == nil {
			return fileOwned(o.kind, arn)
		}
		set, effective := o.attributes(r)
		if *set == nil {
			*set = map[string]string{}
		}
		maps.Copy(*set, attrs)
		out = effective()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return attributesResult{Attributes: renderAttributes(out)}, nil
}

// lookup returns the record whose ARN is in the form at key, by get; notFound is the error when
// there is none.
func lookup[R any](c *call, key string, get func(arn string) *R, notFound func() error) (*R, error) {
	if err := c.form.Require(key); err != nil {
		return nil, err
	}
	r := get(c.form.String(key))
	if r == nil {
		return nil, notFound()
	}
	return r, nil
}

// each returns the record of every key (an ARN or a name) by get, in order; notFound words the
// error for the first key without one.
func each[R any](keys []string, get func(key string) *R, notFound func(key string) error) ([]*R, error) {
	out := make([]*R, 0, len(keys))
	for _, k := range keys {
		r := get(k)
		if r == nil {
			return nil, notFound(k)
		}
		out = append(out, r)
	}
	return out, nil
}
