package config

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// ARNs follow docs/spec.md A.7. Resource IDs are 16 lowercase hex characters derived from the
// resource's identity (a hash of its kind and names), so they stay the same across restarts and
// reloads and never depend on configuration order.

// resourceID returns a 16-hex-character ID for the identity parts.
func resourceID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8])
}

// elbPrefix is "arn:aws:elasticloadbalancing:<region>:<account>:".
func (c Config) elbPrefix() string {
	return "arn:aws:elasticloadbalancing:" + c.EffectiveRegion() + ":" + c.EffectiveAccountID() + ":"
}

// LoadBalancerARN returns the ARN of the load balancer called name, e.g.
// arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/50dc6c495c0c9188.
func (c Config) LoadBalancerARN(name string) string {
	return c.elbPrefix() + "loadbalancer/app/" + name + "/" + resourceID("loadbalancer", name)
}

// ListenerARN returns the ARN of a listener of load balancer lbName, identified by its bind
// address and port: the load balancer ARN with "listener/" and the listener ID.
func (c Config) ListenerARN(lbName, address string, port int) string {
	return c.elbPrefix() + "listener/app/" + lbName + "/" + resourceID("loadbalancer", lbName) + "/" +
		resourceID("listener", lbName, address, strconv.Itoa(port))
}

// RuleARN returns the ARN of the rule with the given priority on a listener: the listener ARN
// with "listener-rule/" and the rule ID. The default rule has priority 0.
func (c Config) RuleARN(lbName, address string, port, priority int) string {
	l := strings.TrimPrefix(c.ListenerARN(lbName, address, port), c.elbPrefix()+"listener/")
	return c.elbPrefix() + "listener-rule/" + l + "/" +
		resourceID("rule", lbName, address, strconv.Itoa(port), strconv.Itoa(priority))
}

// TargetGroupARN returns the ARN of the target group called name, e.g.
// arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/site/73e2d6bc24d8a067.
func (c Config) TargetGroupARN(name string) string {
	return c.elbPrefix() + "targetgroup/" + name + "/" + resourceID("targetgroup", name)
}

// FunctionARN returns the unqualified ARN of the function called name:
// arn:aws:lambda:<region>:<account>:function:<name>.
func (c Config) FunctionARN(name string) string {
	return "arn:aws:lambda:" + c.EffectiveRegion() + ":" + c.EffectiveAccountID() + ":function:" + name
}

// ParseTargetGroupARN returns the name part of a target group ARN
// arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>. Region,
// account and ID are not compared with the configuration: a name match is enough.
func ParseTargetGroupARN(arn string) (name string, ok bool) {
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[1] == "" || f[2] != "elasticloadbalancing" {
		return "", false
	}
	res := strings.Split(f[5], "/")
	if len(res) != 3 || res[0] != "targetgroup" || res[1] == "" || res[2] == "" {
		return "", false
	}
	return res[1], true
}

// ParseFunctionARN splits a function ARN arn:<partition>:lambda:<region>:<account>:function:
// <name>[:<qualifier>] into name and qualifier (alias or version, "" when absent).
func ParseFunctionARN(arn string) (name, qualifier string, ok bool) {
	f := strings.Split(arn, ":")
	if len(f) < 7 || len(f) > 8 || f[0] != "arn" || f[1] == "" || f[2] != "lambda" || f[5] != "function" || f[6] == "" {
		return "", "", false
	}
	if len(f) == 8 {
		if f[7] == "" {
			return "", "", false
		}
		qualifier = f[7]
	}
	return f[6], qualifier, true
}

// LookupTargetGroup returns the target group named by ref, a name or a target group ARN.
func (c *Config) LookupTargetGroup(ref string) (*TargetGroup, bool) {
	if name, ok := ParseTargetGroupARN(ref); ok {
		ref = name
	}
	for i := range c.TargetGroups {
		if c.TargetGroups[i].Name == ref {
			return &c.TargetGroups[i], true
		}
	}
	return nil, false
}

// LookupFunction returns the function named by ref, a name or a function ARN (any qualifier).
func (c *Config) LookupFunction(ref string) (*Function, bool) {
	if name, _, ok := ParseFunctionARN(ref); ok {
		ref = name
	}
	for i := range c.Functions {
		if c.Functions[i].FunctionName == ref {
			return &c.Functions[i], true
		}
	}
	return nil, false
}
