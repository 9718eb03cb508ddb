package elbv2

import (
	"strconv"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

var targetOps = map[string]operation{
	"RegisterTargets":      registerTargets,
	"DeregisterTargets":    deregisterTargets,
	"DescribeTargetHealth": describeTargetHealth,
}

// TargetHealth is one target's health as DescribeTargetHealth reports it (A.6 "Target health
// reasons"): State healthy|initial|unhealthy|unused|draining|unavailable, with Reason and
// Description for every state but healthy.
type TargetHealth struct {
	State, Reason, Description string
}

// HealthSource reports the health of registered targets. It is the seam where the data plane's
// health checker slots in; implementations must be safe for concurrent use.
type HealthSource interface {
	// TargetHealth returns the health of target t of the target group tg (whose ARN is arn).
	TargetHealth(arn string, tg *config.TargetGroup, t config.Target) TargetHealth
}

// DrainingSource is implemented by a HealthSource that knows the targets still draining after
// DeregisterTargets; DescribeTargetHealth then lists them as draining with
// Target.DeregistrationInProgress, as AWS does during the deregistration delay.
type DrainingSource interface {
	// Draining returns the draining targets of the target group and their health.
	Draining(tg *config.TargetGroup) ([]config.Target, []TargetHealth)
}

// registeredHealth is the HealthSource used until health checks report: a registered target is
// healthy, except in a target group whose health checks are disabled, which is unavailable with
// Target.HealthCheckDisabled as in AWS (HC-04; the Lambda default).
type registeredHealth struct{}

func (registeredHealth) TargetHealth(_ string, tg *config.TargetGroup, _ config.Target) TargetHealth {
	if !tg.HealthCheck().Enabled {
		return TargetHealth{State: "unavailable", Reason: "Target.HealthCheckDisabled", Description: "Health checks are disabled"}
	}
	return TargetHealth{State: "healthy"}
}

type targetHealthResult struct {
	TargetHealthDescriptions []xmlTargetHealthDescription `xml:"TargetHealthDescriptions>member"`
}

func registerTargets(c *call) (any, error) {
	return nil, c.changeTargets(registerOnFileGroup, func(tg *config.TargetGroup, targets []config.Target) error {
		for _, t := range targets {
			if indexOfTarget(tg, t) < 0 {
				tg.Targets = append(tg.Targets, t)
			}
		}
		return nil
	})
}

// deregisterTargets removes targets; the data plane lets their requests in flight finish
// (deregistration delay) while new requests go elsewhere.
func deregisterTargets(c *call) (any, error) {
	return nil, c.changeTargets(deregisterFromFileGroup, func(tg *config.TargetGroup, targets []config.Target) error {
		for _, t := range targets {
			i := indexOfTarget(tg, t)
			if i < 0 {
				return controlapi.Errorf("InvalidTarget", "The following targets are not registered in target group: '%s'", targetString(t))
			}
			tg.Targets = append(tg.Targets[:i], tg.Targets[i+1:]...)
		}
		return nil
	})
}

// changeTargets applies change to an API target group's targets, or fileChange to the
// API-registered targets of a file target group (file_targets.go).
func (c *call) changeTargets(fileChange fileTargetsChange, change func(tg *config.TargetGroup, targets []config.Target) error) error {
	if _, err := c.targetGroup("TargetGroupArn"); err != nil {
		return err
	}
	targets, err := parseTargets(c.form)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		return controlapi.Errorf("ValidationError", "1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null")
	}
	arn := c.form.String("TargetGroupArn")
	return c.update(func(snap *state.Snapshot, api *state.Resources) error {
		tg := api.TargetGroup(arn)
		if tg == nil {
			return changeFileTargets(snap.TargetGroup(arn), api, targets, fileChange)
		}
		return change(&tg.Spec, targets)
	})
}

// indexOfTarget finds t among tg's targets: the same ID and the same effective port.
func indexOfTarget(tg *config.TargetGroup, t config.Target) int {
	for i, x := range tg.Targets {
		if x.ID == t.ID && tg.TargetPort(x) == tg.TargetPort(t) {
			return i
		}
	}
	return -1
}

func targetString(t config.Target) string {
	if t.Port != 0 {
		return "Id: " + t.ID + ", Port: " + strconv.Itoa(t.Port)
	}
	return "Id: " + t.ID
}

func describeTargetHealth(c *call) (any, error) {
	rec, err := c.targetGroup("TargetGroupArn")
	if err != nil {
		return nil, err
	}
	tg := rec.Served()
	asked, err := parseTargets(c.form)
	if err != nil {
		return nil, err
	}
	out := targetHealthResult{TargetHealthDescriptions: []xmlTargetHealthDescription{}}
	all := asked == nil
	if all {
		asked = tg.Targets
	}
	for _, t := range asked {
		th := TargetHealth{State: "unused", Reason: "Target.NotRegistered", Description: "Target is not registered to the target group"}
		if indexOfTarget(tg, t) >= 0 {
			th = c.h.health.TargetHealth(rec.ARN, tg, t)
		}
		out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, renderTargetHealth(tg, t, th))
	}
	if ds, ok := c.h.health.(DrainingSource); ok && all {
		targets, health := ds.Draining(tg)
		for i, t := range targets {
			if indexOfTarget(tg, t) < 0 {
				out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, renderTargetHealth(tg, t, health[i]))
			}
		}
	}
	return out, nil
}

func renderTargetHealth(tg *config.TargetGroup, t config.Target, th TargetHealth) xmlTargetHealthDescription {
	d := xmlTargetHealthDescription{Target: xmlTarget{ID: t.ID, AvailabilityZone: t.AvailabilityZone},
		TargetHealth: xmlTargetHealth(th)}
	if tg.EffectiveTargetType() != config.TargetTypeLambda {
		port := tg.TargetPort(t)
		d.Target.Port = &port
		hc := tg.HealthCheck().Port
		if hc == config.HealthCheckPortTraffic {
			hc = strconv.Itoa(port)
		}
		d.HealthCheckPort = hc
	}
	return d
}
