package config

import (
	"regexp"
	"slices"
	"strings"
)

// validator walks a whole Config once and collects every problem (so that a user fixes a file in one pass).
// It indexes target groups and functions first so that references can be checked in any order.
type validator struct {
	cfg *Config
	ps  Problems
	// tgs maps a target group name to its index (the first one, when duplicated).
	tgs map[string]int
	// fns maps a function name to its index (the first one, when duplicated).
	fns map[string]int
	// tgOwner maps a target group name to the load balancer that first forwarded to it.
	tgOwner map[string]string
}

// Validate checks the whole configuration and returns every problem at once as Problems (one
// "path: message" per line), or nil when the configuration is valid. It never panics, whatever
// the input; it does not look at the file system (see package file for that).
func (c *Config) Validate() error {
	v := &validator{
		cfg:     c,
		tgs:     map[string]int{},
		fns:     map[string]int{},
		tgOwner: map[string]string{},
	}
	v.account()
	v.functions()
	v.accountConcurrency()
	v.targetGroups()
	v.loadBalancers()
	v.listenerBindings()
	v.userPools()
	// Checked in dependency order, reported in the file's usual order.
	slices.SortStableFunc(v.ps, func(a, b Problem) int { return sectionRank(a.Path) - sectionRank(b.Path) })
	return v.ps.Err()
}

// sectionRank orders problems by top-level section: settings, load balancers, target groups,
// functions.
func sectionRank(path string) int {
	switch {
	case strings.HasPrefix(path, "load_balancers"):
		return 1
	case strings.HasPrefix(path, "target_groups"):
		return 2
	case strings.HasPrefix(path, "functions"):
		return 3
	}
	return 0
}

var (
	// elbNameRe: 1-32 letters, digits, hyphens, not starting or ending with a hyphen
	// (docs/spec.md A.6 "Name rules"; CreateLoadBalancer/CreateTargetGroup Name).
	elbNameRe = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)
	regionRe  = regexp.MustCompile(`^[a-z]{2}(?:-[a-z]+)+-[0-9]+$`)
	accountRe = regexp.MustCompile(`^[0-9]{12}$`)
)

// account checks region and account ID, which end up in every ARN (A.7).
func (v *validator) account() {
	if v.cfg.Region != "" && !regionRe.MatchString(v.cfg.Region) {
		v.ps.Add("region", "must look like an AWS Region such as us-east-1, got %q", v.cfg.Region)
	}
	if v.cfg.AccountID != "" && !accountRe.MatchString(v.cfg.AccountID) {
		v.ps.Add("account_id", "must be 12 digits, got %q", v.cfg.AccountID)
	}
}

// elbName checks a load balancer or target group name.
func (v *validator) elbName(path, name string) {
	switch {
	case name == "":
		v.ps.Add(path, "is required")
	case !elbNameRe.MatchString(name):
		v.ps.Add(path, "must be 1-32 letters, digits or hyphens, not starting or ending with a hyphen, got %q", name)
	}
}

// loadBalancers checks every load balancer, its listeners and their rules.
func (v *validator) loadBalancers() {
	seen := map[string]int{}
	for i := range v.cfg.LoadBalancers {
		lb := &v.cfg.LoadBalancers[i]
		p := idx("load_balancers", i)
		v.elbName(key(p, "name"), lb.Name)
		if strings.HasPrefix(strings.ToLower(lb.Name), "internal-") {
			v.ps.Add(key(p, "name"), "must not start with \"internal-\"")
		}
		if j, dup := seen[lb.Name]; dup && lb.Name != "" {
			v.ps.Add(key(p, "name"), "duplicate load balancer name %q (also load_balancers[%d])", lb.Name, j)
		} else {
			seen[lb.Name] = i
		}
		v.attributes(key(p, "attributes"), lb.Attributes, loadBalancerAttributes, "")
		v.loadBalancer(p, lb)
	}
}

// maxListenersPerLB is the "listeners per load balancer" quota (LST-03).
const maxListenersPerLB = 50

// maxRulesPerLB is the "rules per load balancer, excluding default rules" quota (§2.5).
const maxRulesPerLB = 100

// loadBalancer checks the listeners of one load balancer and its per-LB quotas.
func (v *validator) loadBalancer(p string, lb *LoadBalancer) {
	if len(lb.Listeners) > maxListenersPerLB {
		v.ps.Add(key(p, "listeners"), "at most %d listeners per load balancer (LST-03), got %d",
			maxListenersPerLB, len(lb.Listeners))
	}
	rules := 0
	for i := range lb.Listeners {
		v.listener(idx(key(p, "listeners"), i), lb, &lb.Listeners[i])
		rules += len(lb.Listeners[i].Rules)
	}
	v.verifyListeners(p, lb)
	if rules > maxRulesPerLB {
		v.ps.Add(key(p, "listeners"), "at most %d rules per load balancer, excluding default rules (§2.5 quota), got %d",
			maxRulesPerLB, rules)
	}
}
