package terraform

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"

	"github.com/zclconf/go-cty/cty"
)

// instance is one evaluated resource or data instance.
type instance struct {
	res   *resource
	scope *scope
	addr  string // full address: module.api.aws_lb.main[0]
	body  *block
	value cty.Value
}

// built are the resource types Albatross turns into load balancer configuration; their
// instances are evaluated whether referenced or not.
var built = map[string]bool{
	"aws_lb": true, "aws_alb": true,
	"aws_lb_listener": true, "aws_alb_listener": true,
	"aws_lb_listener_rule": true, "aws_alb_listener_rule": true,
	"aws_lb_target_group": true, "aws_alb_target_group": true,
	"aws_lb_target_group_attachment": true, "aws_alb_target_group_attachment": true,
	"aws_lambda_function": true, "aws_lambda_alias": true, "aws_lambda_permission": true,
}

// canonical maps the aws_alb_* aliases to their aws_lb_* names.
func canonical(typ string) string {
	switch typ {
	case "aws_alb":
		return "aws_lb"
	case "aws_alb_listener", "aws_alb_listener_rule", "aws_alb_target_group", "aws_alb_target_group_attachment":
		return "aws_lb" + typ[len("aws_alb"):]
	}
	return typ
}

// knownData are the data sources Albatross answers itself.
var knownData = map[string]bool{"archive_file": true, "aws_region": true, "aws_caller_identity": true,
	"aws_partition": true, "terraform_remote_state": true}

// resourceValue evaluates every instance of a resource or data block and returns what a
// reference to it sees.
func (s *scope) resourceValue(r *resource) cty.Value {
	exps, ok := s.expand(r.count, r.forEach, s.prefix+r.key())
	if !ok {
		return cty.DynamicVal
	}
	vals := make([]cty.Value, len(exps))
	insts := make([]*instance, len(exps))
	for i, e := range exps {
		inst := &instance{res: r, scope: s, addr: s.prefix + r.key() + e.suffix}
		inst.body = s.evalBody(r.block.Body, inst.addr, e.extra, true)
		inst.body.rng = r.block.DefRange()
		inst.value = s.ev.instanceValue(inst)
		vals[i], insts[i] = inst.value, inst
	}
	s.instances[r.key()] = insts
	return aggregate(r.count, r.forEach, exps, vals)
}

// instanceValue is the object a reference to an instance sees: its arguments plus the
// attributes AWS computes. For a resource Albatross does not build, every other attribute the
// module mentions is unknown, or comes from --values as attr:ADDRESS.NAME.
func (ev *evaluator) instanceValue(inst *instance) cty.Value {
	obj := inst.body.object()
	typ := inst.res.typ
	switch {
	case inst.res.data && knownData[typ]:
		maps.Copy(obj, ev.dataAttributes(inst))
	case !inst.res.data && built[typ]:
		maps.Copy(obj, ev.computedAttributes(canonical(typ), inst.body, inst.addr))
	default:
		ev.outsideAttributes(inst, obj)
	}
	return cty.ObjectVal(obj)
}

// outsideAttributes fills in what a resource Albatross does not build exposes: id is the
// resource's address (so that targets can be mapped by address in --values), other attributes
// come from --values or are unknown.
func (ev *evaluator) outsideAttributes(inst *instance, obj map[string]cty.Value) {
	for _, name := range slices.Sorted(maps.Keys(inst.scope.mod.attrNames)) {
		if _, set := obj[name]; set {
			continue
		}
		key := "attr:" + inst.addr + "." + name
		if v, err := ev.opts.Values.Value(key); err == nil {
			obj[name] = goToCty(v)
			continue
		}
		if name == "id" {
			obj[name] = cty.StringVal(inst.addr)
			continue
		}
		obj[name] = cty.DynamicVal
		ev.reasons[inst.addr+"."+name] = inst.addr + "." + name + " is computed by AWS: give it in --values as " + key
	}
}

// shortHash is a stable hex digest of s, for generated names and IDs.
func shortHash(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}
