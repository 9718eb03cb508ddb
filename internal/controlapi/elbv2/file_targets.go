package elbv2

import (
	"slices"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

// Targets of target groups that the configuration file defines (docs/api.md, "Targets of file
// target groups"). The file plays the part of an AWS template: its targets are the group's as the
// file says, and the API registers and deregisters further ones beside them, as autoscaling or a
// deploy script does on AWS. The group's other settings stay the file's.

// fileTargetsChange returns the group's API-registered targets after the call, given the file's
// group (its Targets as the file lists them) and the ones registered so far.
type fileTargetsChange func(file *config.TargetGroup, registered, targets []config.Target) ([]config.Target, error)

// changeFileTargets runs change on the API-registered targets of the file group rec.
func changeFileTargets(rec *state.TargetGroup, api *state.Resources, targets []config.Target, change fileTargetsChange) error {
	if rec == nil {
		return tgNotFound()
	}
	file := &rec.Spec
	if file.EffectiveTargetType() == config.TargetTypeLambda {
		// A Lambda group's one target is the function the file names with it.
		return fileOwned("Target group", rec.ARN)
	}
	registered := slices.Clone(rec.Registered)
	next, err := change(file, registered, targets)
	if err != nil {
		return err
	}
	api.SetRegistration(file, next)
	return nil
}

// registerOnFileGroup adds the targets not registered yet. A target without a port is registered
// on the group's port of the moment, as on AWS, so that a later change of the file's port does
// not move it.
func registerOnFileGroup(file *config.TargetGroup, registered, targets []config.Target) ([]config.Target, error) {
	for _, t := range targets {
		if state.HasTarget(file, file.Targets, t) || state.HasTarget(file, registered, t) {
			continue
		}
		t.Port = file.TargetPort(t)
		registered = append(registered, t)
	}
	return registered, nil
}

// deregisterFromFileGroup removes API-registered targets. A target the file lists is refused,
// and with it the whole call: the file is reloaded as it stands, so the target would come back
// at the next reload or restart, and a deregistration that undoes itself is worse than a clear
// refusal. The file is where it goes away.
func deregisterFromFileGroup(file *config.TargetGroup, registered, targets []config.Target) ([]config.Target, error) {
	for _, t := range targets {
		if state.HasTarget(file, file.Targets, t) {
			return nil, controlapi.Errorf("OperationNotPermitted",
				"Target %s of target group %s is listed in the configuration file; remove it there (Albatross reloads the file on change)",
				targetString(t), file.Name)
		}
		i := slices.IndexFunc(registered, func(x config.Target) bool { return state.HasTarget(file, []config.Target{x}, t) })
		if i < 0 {
			return nil, controlapi.Errorf("InvalidTarget", "The following targets are not registered in target group: '%s'", targetString(t))
		}
		registered = slices.Delete(registered, i, i+1)
	}
	return registered, nil
}
