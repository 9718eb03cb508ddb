package terraform

import (
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Names and ARNs are what AWS would give, computed the way Albatross computes its own ARNs
// (config's ARN functions), so that an ARN one resource reads from another names the same thing
// in the configuration Albatross builds.

// knownString reads an argument quietly: its string value when it is known and set.
func (b *block) knownString(name string) (string, bool) {
	a := b.attrs[name]
	if a == nil || a.diags.HasErrors() || !a.val.IsWhollyKnown() || a.val.IsNull() {
		return "", false
	}
	v, err := convert.Convert(a.val, cty.String)
	if err != nil {
		return "", false
	}
	return v.AsString(), true
}

// generatedName is the name of a load balancer or target group: name, name_prefix plus a
// suffix, or a prefix plus a suffix, the suffix derived from the address so that it is stable
// (AWS and Terraform use a timestamp; a stable name keeps ARNs stable across reloads).
func generatedName(b *block, addr, prefix string) string {
	if n, ok := b.knownString("name"); ok {
		return n
	}
	if p, ok := b.knownString("name_prefix"); ok {
		prefix = p
	}
	return prefix + shortHash(addr, 32-len(prefix))
}

// computedAttributes are the attributes AWS computes for the resources Albatross builds.
func (ev *evaluator) computedAttributes(typ string, b *block, addr string) map[string]cty.Value {
	out := map[string]cty.Value{}
	set := func(k, v string) { out[k] = cty.StringVal(v) }
	switch typ {
	case "aws_lb":
		name := generatedName(b, addr, "tf-lb-")
		arn := ev.ids.LoadBalancerARN(name)
		set("name", name)
		set("arn", arn)
		set("id", arn)
		set("arn_suffix", arnSuffix(arn, ":loadbalancer/"))
		set("dns_name", name+"-"+shortHash(addr, 9)+"."+ev.ids.EffectiveRegion()+".elb.amazonaws.com")
		set("zone_id", "Z35SXDOTRQ7X7K")
	case "aws_lb_target_group":
		name := generatedName(b, addr, "tf-")
		arn := ev.ids.TargetGroupARN(name)
		set("name", name)
		set("arn", arn)
		set("id", arn)
		set("arn_suffix", arnSuffix(arn, ":"))
	case "aws_lb_listener":
		arn := listenerARN(ev.ids, b, addr)
		set("arn", arn)
		set("id", arn)
	case "aws_lb_listener_rule":
		l, ok := b.knownString("listener_arn")
		if !ok {
			l = listenerARN(ev.ids, b, addr)
		}
		arn := strings.Replace(l, ":listener/", ":listener-rule/", 1) + "/" + shortHash(addr, 16)
		set("arn", arn)
		set("id", arn)
	case "aws_lambda_function":
		name, _ := b.knownString("function_name")
		arn := ev.ids.FunctionARN(name)
		set("arn", arn)
		set("id", name)
		set("qualified_arn", arn+":$LATEST")
		set("version", "$LATEST")
		set("invoke_arn", invokeARN(ev.ids, arn))
		set("qualified_invoke_arn", invokeARN(ev.ids, arn+":$LATEST"))
	case "aws_lambda_alias":
		fn, _ := b.knownString("function_name")
		name, _ := b.knownString("name")
		arn := functionARNOf(ev.ids, fn) + ":" + name
		set("arn", arn)
		set("id", arn)
		set("invoke_arn", invokeARN(ev.ids, arn))
	default:
		set("id", addr)
	}
	return out
}

// functionARNOf returns the unqualified ARN of a function given by name or ARN.
func functionARNOf(ids config.Config, ref string) string {
	if name, _, ok := config.ParseFunctionARN(ref); ok {
		return ids.FunctionARN(name)
	}
	return ids.FunctionARN(ref)
}

func invokeARN(ids config.Config, fnARN string) string {
	return "arn:aws:apigateway:" + ids.EffectiveRegion() + ":lambda:path/2015-03-31/functions/" + fnARN + "/invocations"
}

// arnSuffix is the part of an ARN after sep (arn_suffix in CloudWatch dimensions).
func arnSuffix(arn, sep string) string {
	if i := strings.LastIndex(arn, sep); i >= 0 {
		return arn[i+len(sep):]
	}
	return arn
}

// listenerARN is a listener's ARN from its load balancer's ARN and port; an unknown load
// balancer falls back to a name derived from the address.
func listenerARN(ids config.Config, b *block, addr string) string {
	lbName := "tf-" + shortHash(addr, 16)
	if lbARN, ok := b.knownString("load_balancer_arn"); ok {
		if n, ok := lbNameOf(lbARN); ok {
			lbName = n
		}
	}
	port := listenerPort(b)
	return ids.ListenerARN(lbName, "", port)
}

// listenerPort is the listener's port: port, else the protocol's usual port (the provider's
// default for an application load balancer).
func listenerPort(b *block) int {
	if p, ok := b.knownString("port"); ok {
		if n, err := strconv.Atoi(p); err == nil {
			return n
		}
	}
	if proto, _ := b.knownString("protocol"); strings.EqualFold(proto, "HTTPS") {
		return 443
	}
	return 80
}

// lbNameOf returns the name in a load balancer ARN ...:loadbalancer/app/NAME/ID.
func lbNameOf(arn string) (string, bool) {
	i := strings.Index(arn, ":loadbalancer/app/")
	if i < 0 {
		return "", false
	}
	parts := strings.Split(arn[i+len(":loadbalancer/app/"):], "/")
	if len(parts) != 2 || parts[0] == "" {
		return "", false
	}
	return parts[0], true
}

// dataAttributes answers the data sources Albatross knows.
func (ev *evaluator) dataAttributes(inst *instance) map[string]cty.Value {
	out := map[string]cty.Value{}
	region, account := ev.ids.EffectiveRegion(), ev.ids.EffectiveAccountID()
	set := func(k, v string) { out[k] = cty.StringVal(v) }
	switch inst.res.typ {
	case "aws_region":
		set("name", region)
		set("region", region)
		set("id", region)
		set("endpoint", "ec2."+region+".amazonaws.com")
	case "aws_caller_identity":
		set("account_id", account)
		set("id", account)
		set("arn", "arn:aws:iam::"+account+":root")
		set("user_id", account)
	case "aws_partition":
		set("partition", "aws")
		set("id", "aws")
		set("dns_suffix", "amazonaws.com")
		set("reverse_dns_prefix", "com.amazonaws")
	case "terraform_remote_state":
		out["outputs"] = ev.remoteState(inst)
		set("id", inst.addr)
	case "archive_file":
		for k, v := range ev.archive(inst) {
			out[k] = v
		}
	}
	return out
}

// remoteState answers data.terraform_remote_state.NAME.outputs.OUTPUT from --values
// (tfstate:NAME.OUTPUT); an output not given is unknown and says how to give it.
func (ev *evaluator) remoteState(inst *instance) cty.Value {
	outputs := map[string]cty.Value{}
	for name := range inst.scope.mod.attrNames {
		key := "tfstate:" + inst.res.name + "." + name
		if v, err := ev.opts.Values.Value(key); err == nil {
			outputs[name] = goToCty(v)
			continue
		}
		outputs[name] = cty.DynamicVal
		ev.reasons[inst.addr+".outputs."+name] = "remote state output " + inst.res.name + "." + name + " is not given: set it in --values as " + key
	}
	return cty.ObjectVal(outputs)
}
