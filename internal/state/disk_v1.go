package state

import "encoding/json"

// Version 1 of the state file wrote each record with Go's default encoding: the spec's keys are
// the config model's Go field names. The types below have no methods, so the default decoding
// reads them; the decoder refuses fields the model no longer has.
type (
	loadBalancerV1 LoadBalancer
	listenerV1     Listener
	ruleV1         Rule
	targetGroupV1  TargetGroup
	functionV1     Function
)

type resourcesV1 struct {
	LoadBalancers []loadBalancerV1 `json:"load_balancers"`
	Listeners     []listenerV1     `json:"listeners"`
	Rules         []ruleV1         `json:"rules"`
	TargetGroups  []targetGroupV1  `json:"target_groups"`
	Functions     []functionV1     `json:"functions"`
}

// decodeVersion1 reads the resources of a version 1 state file.
func decodeVersion1(data json.RawMessage) (*Resources, error) {
	var v1 resourcesV1
	if err := strictJSON(data, &v1); err != nil {
		return nil, err
	}
	return &Resources{
		LoadBalancers: convert(v1.LoadBalancers, func(r loadBalancerV1) LoadBalancer { return LoadBalancer(r) }),
		Listeners:     convert(v1.Listeners, func(r listenerV1) Listener { return Listener(r) }),
		Rules:         convert(v1.Rules, func(r ruleV1) Rule { return Rule(r) }),
		TargetGroups:  convert(v1.TargetGroups, func(r targetGroupV1) TargetGroup { return TargetGroup(r) }),
		Functions:     convert(v1.Functions, func(r functionV1) Function { return Function(r) }),
	}, nil
}

func convert[From, To any](in []From, f func(From) To) []To {
	if in == nil {
		return nil
	}
	out := make([]To, len(in))
	for i, r := range in {
		out[i] = f(r)
	}
	return out
}
