package elbv2

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

var loadBalancerOps = map[string]operation{
	"CreateLoadBalancer":             createLoadBalancer,
	"DescribeLoadBalancers":          describeLoadBalancers,
	"DeleteLoadBalancer":             deleteLoadBalancer,
	"DescribeLoadBalancerAttributes": loadBalancerAttributes.describe,
	"ModifyLoadBalancerAttributes":   loadBalancerAttributes.modify,
}

type loadBalancersResult struct {
	LoadBalancers []xmlLoadBalancer `xml:"LoadBalancers>member"`
	NextMarker    string            `xml:"NextMarker,omitempty"`
}

type attributesResult struct {
	Attributes []xmlAttribute `xml:"Attributes>member"`
}

func createLoadBalancer(c *call) (any, error) {
	f := c.form
	if err := f.Require("Name"); err != nil {
		return nil, err
	}
	name := f.String("Name")
	if t := f.String("Type"); t != "" && t != "application" {
		return nil, controlapi.Errorf("ValidationError", "Albatross runs application load balancers only, not type %q", t)
	}
	scheme := orDefault(f.String("Scheme"), state.SchemeInternetFacing)
	if scheme != state.SchemeInternal && scheme != state.SchemeInternetFacing {
		return nil, controlapi.Errorf("InvalidScheme", "Scheme must be internal or internet-facing, got %q", scheme)
	}
	ipType := orDefault(f.String("IpAddressType"), "ipv4")
	tags, err := parseTags(f)
	if err != nil {
		return nil, err
	}
	var lb state.LoadBalancer
	err = c.update(func(snap *state.Snapshot, api *state.Resources) error {
		if old := snap.LoadBalancerByName(name); old != nil {
			// The same request again succeeds and returns the load balancer, as on AWS.
			if old.Source == state.SourceAPI && old.Scheme == scheme && old.IPAddressType == ipType {
				lb = *old
				return errUnchanged
			}
			return controlapi.Errorf("DuplicateLoadBalancerName", "A load balancer with the name '%s' already exists", name)
		}
		id := snap.Identity()
		lb = state.LoadBalancer{ARN: id.LoadBalancerARN(name), Source: state.SourceAPI, Created: c.h.store.Now(),
			Scheme: scheme, IPAddressType: ipType, Tags: tags, Spec: config.LoadBalancer{Name: name}}
		api.LoadBalancers = append(api.LoadBalancers, lb)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return loadBalancersResult{LoadBalancers: []xmlLoadBalancer{renderLoadBalancer(&lb, c.region())}}, nil
}

func describeLoadBalancers(c *call) (any, error) {
	arns, names := c.form.Strings("LoadBalancerArns"), c.form.Strings("Names")
	if len(arns) > 0 && len(names) > 0 {
		return nil, controlapi.Errorf("ValidationError", "Load balancer names and load balancer ARNs cannot be specified at the same time")
	}
	var lbs []*state.LoadBalancer
	var err error
	switch {
	case len(arns) > 0:
		lbs, err = each(arns, c.snap.LoadBalancer, func(string) error { return lbNotFound() })
	case len(names) > 0:
		lbs, err = each(names, c.snap.LoadBalancerByName, func(n string) error {
			return controlapi.Errorf("LoadBalancerNotFound", "Load balancers '[%s]' not found", n)
		})
	default:
		for i := range c.snap.LoadBalancers {
			lbs = append(lbs, &c.snap.LoadBalancers[i])
		}
	}
	if err != nil {
		return nil, err
	}
	start, end, next, err := page(c.form, len(lbs))
	if err != nil {
		return nil, err
	}
	out := loadBalancersResult{LoadBalancers: []xmlLoadBalancer{}, NextMarker: next}
	for _, lb := range lbs[start:end] {
		out.LoadBalancers = append(out.LoadBalancers, renderLoadBalancer(lb, c.region()))
	}
	return out, nil
}

// deleteLoadBalancer deletes the load balancer with its listeners and rules; a load balancer
// that does not exist is not an error (A.6 "Semantics").
func deleteLoadBalancer(c *call) (any, error) {
	if err := c.form.Require("LoadBalancerArn"); err != nil {
		return nil, err
	}
	arn := c.form.String("LoadBalancerArn")
	return nil, c.update(func(snap *state.Snapshot, api *state.Resources) error {
		lb := snap.LoadBalancer(arn)
		if lb == nil {
			return nil
		}
		if lb.Source == state.SourceFile {
			return fileOwned("Load balancer", arn)
		}
		if lb.Spec.Attribute(config.AttrDeletionProtection) == "true" {
			return controlapi.Errorf("OperationNotPermitted", "Load balancer '%s' cannot be deleted because deletion protection is enabled", arn)
		}
		api.DeleteLoadBalancer(arn)
		return nil
	})
}

// loadBalancer returns the load balancer whose ARN is in the form at key.
func (c *call) loadBalancer(key string) (*state.LoadBalancer, error) {
	return lookup(c, key, c.snap.LoadBalancer, lbNotFound)
}

func lbNotFound() error {
	return controlapi.Errorf("LoadBalancerNotFound", "One or more load balancers not found")
}

func (c *call) region() string { return c.snap.Config.EffectiveRegion() }

// newID returns a random 16-hex-character resource ID (A.7) for listeners and rules made
// through the API, whose ARNs must not change when their port or priority does.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
