package elbv2

import (
	"reflect"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

var targetGroupOps = map[string]operation{
	"CreateTargetGroup":             createTargetGroup,
	"DescribeTargetGroups":          describeTargetGroups,
	"ModifyTargetGroup":             modifyTargetGroup,
	"DeleteTargetGroup":             deleteTargetGroup,
	"DescribeTargetGroupAttributes": targetGroupAttributes.describe,
	"ModifyTargetGroupAttributes":   targetGroupAttributes.modify,
}

type targetGroupsResult struct {
	TargetGroups []xmlTargetGroup `xml:"TargetGroups>member"`
	NextMarker   string           `xml:"NextMarker,omitempty"`
}

func createTargetGroup(c *call) (any, error) {
	f := c.form
	if err := f.Require("Name"); err != nil {
		return nil, err
	}
	spec := config.TargetGroup{Name: f.String("Name"), TargetType: f.String("TargetType"),
		Protocol: f.String("Protocol"), ProtocolVersion: f.String("ProtocolVersion")}
	port, err := f.Int("Port")
	if err != nil {
		return nil, err
	}
	if spec.TargetType == config.TargetTypeLambda && (spec.Protocol != "" || port != nil || f.String("VpcId") != "") {
		// Protocol, port and VPC do not apply to Lambda targets (A.6 "Semantics").
		return nil, controlapi.Errorf("ValidationError", "Protocol, port and VPC ID cannot be specified for target groups with target type 'lambda'")
	}
	if port != nil {
		spec.Port = *port
	}
	if err := setHealthCheck(&spec, f); err != nil {
		return nil, err
	}
	tags, err := parseTags(f)
	if err != nil {
		return nil, err
	}
	var tg state.TargetGroup
	err = c.update(func(snap *state.Snapshot, api *state.Resources) error {
		if old := snap.TargetGroupByName(spec.Name); old != nil {
			// Creating a target group again with the same settings succeeds and returns it, as
			// on AWS, so that scripts can be re-run.
			if old.Source == state.SourceAPI && sameTargetGroup(old.Spec, spec) {
				tg = *old
				return errUnchanged
			}
			return controlapi.Errorf("DuplicateTargetGroupName", "A target group with the same name '%s' exists, but with different settings", spec.Name)
		}
		id := snap.Identity()
		tg = state.TargetGroup{ARN: id.TargetGroupARN(spec.Name), Source: state.SourceAPI, Created: c.h.store.Now(), Tags: tags, Spec: spec}
		api.TargetGroups = append(api.TargetGroups, tg)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return targetGroupsResult{TargetGroups: []xmlTargetGroup{renderTargetGroup(&tg, nil)}}, nil
}

// sameTargetGroup compares the settings CreateTargetGroup sets (not targets or attributes).
func sameTargetGroup(a, b config.TargetGroup) bool {
	a.Targets, a.Attributes, b.Targets, b.Attributes = nil, nil, nil, nil
	return reflect.DeepEqual(a, b)
}

// setHealthCheck copies the health check members of CreateTargetGroup/ModifyTargetGroup that
// were sent into spec.
func setHealthCheck(spec *config.TargetGroup, f controlapi.Form) error {
	enabled, err := f.Bool("HealthCheckEnabled")
	if err != nil {
		return err
	}
	if enabled != nil {
		spec.HealthCheckEnabled = enabled
	}
	for key, dst := range map[string]**int{
		"HealthCheckIntervalSeconds": &spec.HealthCheckIntervalSeconds,
		"HealthCheckTimeoutSeconds":  &spec.HealthCheckTimeoutSeconds,
		"HealthyThresholdCount":      &spec.HealthyThresholdCount,
		"UnhealthyThresholdCount":    &spec.UnhealthyThresholdCount,
	} {
		n, err := f.Int(key)
		if err != nil {
			return err
		}
		if n != nil {
			*dst = n
		}
	}
	for key, dst := range map[string]*string{
		"HealthCheckProtocol": &spec.HealthCheckProtocol,
		"HealthCheckPort":     &spec.HealthCheckPort,
		"HealthCheckPath":     &spec.HealthCheckPath,
	} {
		if f.Has(key) {
			*dst = f.String(key)
		}
	}
	if f.HasPrefix("Matcher") {
		m := f.Sub("Matcher")
		spec.Matcher = &config.Matcher{HTTPCode: m.String("HttpCode"), GrpcCode: m.String("GrpcCode")}
	}
	return nil
}

func describeTargetGroups(c *call) (any, error) {
	f := c.form
	arns, names, lbARN := f.Strings("TargetGroupArns"), f.Strings("Names"), f.String("LoadBalancerArn")
	var tgs []*state.TargetGroup
	var err error
	switch {
	case len(arns) > 0:
		tgs, err = each(arns, c.snap.TargetGroup, func(string) error { return tgNotFound() })
	case len(names) > 0:
		tgs, err = each(names, c.snap.TargetGroupByName, func(n string) error {
			return controlapi.Errorf("TargetGroupNotFound", "Target groups '[%s]' not found", n)
		})
	default:
		if lbARN != "" && c.snap.LoadBalancer(lbARN) == nil {
			return nil, lbNotFound()
		}
		for i := range c.snap.TargetGroups {
			tg := &c.snap.TargetGroups[i]
			if lbARN == "" || contains(c.snap.TargetGroupUsers(tg.Spec.Name), lbARN) {
				tgs = append(tgs, tg)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	start, end, next, err := page(f, len(tgs))
	if err != nil {
		return nil, err
	}
	out := targetGroupsResult{TargetGroups: []xmlTargetGroup{}, NextMarker: next}
	for _, tg := range tgs[start:end] {
		out.TargetGroups = append(out.TargetGroups, renderTargetGroup(tg, c.snap.TargetGroupUsers(tg.Spec.Name)))
	}
	return out, nil
}

func modifyTargetGroup(c *call) (any, error) {
	if _, err := c.targetGroup("TargetGroupArn"); err != nil {
		return nil, err
	}
	arn := c.form.String("TargetGroupArn")
	var tg state.TargetGroup
	err := c.update(func(snap *state.Snapshot, api *state.Resources) error {
		rec := api.TargetGroup(arn)
		if rec == nil {
			return fileOwned("Target group", arn)
		}
		if err := setHealthCheck(&rec.Spec, c.form); err != nil {
			return err
		}
		tg = *rec
		return nil
	})
	if err != nil {
		return nil, err
	}
	return targetGroupsResult{TargetGroups: []xmlTargetGroup{renderTargetGroup(&tg, c.snap.TargetGroupUsers(tg.Spec.Name))}}, nil
}

// deleteTargetGroup refuses while an action forwards to the group (ResourceInUse); a group that
// does not exist is not an error (no NotFound is modelled, A.4).
func deleteTargetGroup(c *call) (any, error) {
	if err := c.form.Require("TargetGroupArn"); err != nil {
		return nil, err
	}
	arn := c.form.String("TargetGroupArn")
	return nil, c.update(func(snap *state.Snapshot, api *state.Resources) error {
		tg := snap.TargetGroup(arn)
		if tg == nil {
			return nil
		}
		if tg.Source == state.SourceFile {
			return fileOwned("Target group", arn)
		}
		if users := snap.TargetGroupUsers(tg.Spec.Name); len(users) > 0 {
			return controlapi.Errorf("ResourceInUse", "Target group '%s' is currently in use by a listener or a rule", arn)
		}
		api.DeleteTargetGroup(arn)
		return nil
	})
}

// targetGroup returns the target group whose ARN is in the form at key.
func (c *call) targetGroup(key string) (*state.TargetGroup, error) {
	return lookup(c, key, c.snap.TargetGroup, tgNotFound)
}

func tgNotFound() error {
	return controlapi.Errorf("TargetGroupNotFound", "One or more target groups not found")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
