package elbv2

import (
	"github.com/albatross-lb/albatross/internal/controlapi"
)

// extraOps are the calls tools make around the core ones (minimum subset item 2): listener
// attributes are real; the rest describe fixed facts or accept settings that have no meaning
// on a single host (subnets, security groups).
var extraOps = map[string]operation{
	"DescribeListenerAttributes":   listenerAttributes.describe,
	"ModifyListenerAttributes":     listenerAttributes.modify,
	"DescribeAccountLimits":        describeAccountLimits,
	"DescribeSSLPolicies":          func(*call) (any, error) { return sslPoliciesResult{}, nil },
	"DescribeListenerCertificates": describeListenerCertificates,
	"SetSecurityGroups":            setSecurityGroups,
	"SetSubnets":                   setSubnets,
	"SetIpAddressType":             setIPAddressType,
}

type sslPoliciesResult struct {
	SslPolicies []struct{} `xml:"SslPolicies>member"`
}

type limit struct {
	Name string `xml:"Name"`
	Max  string `xml:"Max"`
}

type limitsResult struct {
	Limits []limit `xml:"Limits>member"`
}

// describeAccountLimits reports the quotas Albatross enforces (§2.5, LST-03).
func describeAccountLimits(*call) (any, error) {
	return limitsResult{Limits: []limit{
		{Name: "application-load-balancers", Max: "50"},
		{Name: "target-groups", Max: "3000"},
		{Name: "listeners-per-application-load-balancer", Max: "50"},
		{Name: "rules-per-application-load-balancer", Max: "100"},
		{Name: "targets-per-application-load-balancer", Max: "1000"},
	}}, nil
}

type certificatesResult struct {
	Certificates []xmlCert `xml:"Certificates>member"`
}

func describeListenerCertificates(c *call) (any, error) {
	l, err := c.listener("ListenerArn")
	if err != nil {
		return nil, err
	}
	return certificatesResult{Certificates: renderListener(l, c.snap.Config).Certificates}, nil
}

type securityGroupsResult struct {
	SecurityGroupIDs []string `xml:"SecurityGroupIds>member"`
}

func setSecurityGroups(c *call) (any, error) {
	if _, err := c.loadBalancer("LoadBalancerArn"); err != nil {
		return nil, err
	}
	return securityGroupsResult{SecurityGroupIDs: c.form.Strings("SecurityGroups")}, nil
}

type subnetsResult struct {
	AvailabilityZones []xmlAvailability `xml:"AvailabilityZones>member"`
}

func setSubnets(c *call) (any, error) {
	lb, err := c.loadBalancer("LoadBalancerArn")
	if err != nil {
		return nil, err
	}
	return subnetsResult{AvailabilityZones: renderLoadBalancer(lb, c.region()).AvailabilityZones}, nil
}

type ipAddressTypeResult struct {
	IPAddressType string `xml:"IpAddressType"`
}

func setIPAddressType(c *call) (any, error) {
	if _, err := c.loadBalancer("LoadBalancerArn"); err != nil {
		return nil, err
	}
	t := c.form.String("IpAddressType")
	if t != "ipv4" && t != "dualstack" {
		return nil, controlapi.Errorf("ValidationError", "IpAddressType must be ipv4 or dualstack, got %q", t)
	}
	return ipAddressTypeResult{IPAddressType: t}, nil
}
