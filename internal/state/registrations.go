package state

import (
	"slices"

	"github.com/albatross-lb/albatross/internal/config"
)

// Registration holds the targets registered through the API on an instance or ip target group
// that the configuration file defines (docs/api.md, "Targets of file target groups"). On AWS a
// target group made by a template still takes targets from autoscaling, deploy scripts and ECS;
// here the file plays the template's part, and these targets are the API's, persisted beside the
// API's own resources so that they survive reloads and restarts.
//
// The group is named, not addressed by ARN: the file's region or account may change, its name is
// what the file and the API agree on. TargetType is the group's type when the targets were
// registered: a file that later changes the type drops them (their IDs would no longer be valid
// targets), as deleting the group does.
type Registration struct {
	TargetGroup string          `json:"target_group"`
	TargetType  string          `json:"target_type"`
	Targets     []config.Target `json:"targets"`
}

// Registration returns the API-registered targets of the file target group called name.
func (r *Resources) Registration(name string) *Registration {
	for i := range r.Registrations {
		if r.Registrations[i].TargetGroup == name {
			return &r.Registrations[i]
		}
	}
	return nil
}

// SetRegistration records targets as the API-registered targets of the file target group tg,
// removing the record when none are left.
func (r *Resources) SetRegistration(tg *config.TargetGroup, targets []config.Target) {
	r.Registrations = deleteWhere(r.Registrations, func(x Registration) bool { return x.TargetGroup == tg.Name })
	if len(targets) > 0 {
		r.Registrations = append(r.Registrations, Registration{TargetGroup: tg.Name,
			TargetType: tg.EffectiveTargetType(), Targets: targets})
	}
}

// HasTarget reports whether t is among targets of tg: the same ID and the same effective port,
// which is how ELBv2 identifies a registered target.
func HasTarget(tg *config.TargetGroup, targets []config.Target, t config.Target) bool {
	return slices.ContainsFunc(targets, func(x config.Target) bool {
		return x.ID == t.ID && tg.TargetPort(x) == tg.TargetPort(t)
	})
}

// registeredFor returns the registration's targets that add to the file group tg: none when the
// registration no longer fits the group (its type changed, or it is a Lambda group), and never a
// target the file lists itself (the file's entry wins, so it is served once).
func registeredFor(tg *config.TargetGroup, reg *Registration) []config.Target {
	if reg == nil || !fits(tg, reg) {
		return nil
	}
	var out []config.Target
	for _, t := range reg.Targets {
		if !HasTarget(tg, tg.Targets, t) {
			out = append(out, t)
		}
	}
	return out
}

func fits(tg *config.TargetGroup, reg *Registration) bool {
	typ := tg.EffectiveTargetType()
	return typ != config.TargetTypeLambda && typ == reg.TargetType
}

// addRegistered appends to the file's target groups in cfg the targets the API registered on them.
func addRegistered(cfg *config.Config, api *Resources) {
	for i := range cfg.TargetGroups {
		tg := &cfg.TargetGroups[i]
		tg.Targets = append(tg.Targets, registeredFor(tg, api.Registration(tg.Name))...)
	}
}

// pruneRegistrations drops the registrations whose file group is gone or no longer fits them,
// as deleting a target group deregisters its targets on AWS. It reports whether any went.
func pruneRegistrations(file *config.Config, api *Resources) bool {
	n := len(api.Registrations)
	api.Registrations = deleteWhere(api.Registrations, func(reg Registration) bool {
		if file == nil {
			return true
		}
		i := slices.IndexFunc(file.TargetGroups, func(tg config.TargetGroup) bool { return tg.Name == reg.TargetGroup })
		return i < 0 || !fits(&file.TargetGroups[i], &reg)
	})
	return len(api.Registrations) != n
}

// Served returns the group as the data plane serves it: for a file group, the file's targets
// followed by those registered through the API.
func (tg *TargetGroup) Served() *config.TargetGroup {
	spec := tg.Spec
	spec.Targets = append(slices.Clip(spec.Targets), tg.Registered...)
	return &spec
}
