package reconcile

import (
	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// graph is one compiled configuration: a handler per listener address, and everything else the
// build prepared without touching what is live. Apply commits it once every listener is bound,
// or discards it.
type graph struct {
	cfg       *config.Config
	listeners map[string]*listenerPlan
	// groups are the forward destinations by target group name.
	groups map[string]action.TargetGroup
	// targets is every target the graph routes to or checks, so the registry can forget the others.
	targets map[*targetgroup.Target]bool
	// httpGroups are the instance and ip groups, whose settings go onto their targets at commit.
	httpGroups []*targetgroup.Group
	accessLogs *stagedLogs[*observe.AccessLog]
	connLogs   *stagedLogs[*observe.ConnectionLog]
	healthLogs *stagedLogs[*observe.HealthCheckLog]
	// shadows are the shadowed rules, by rule and shadow target group (shadow.go).
	shadows map[string]*shadowedRule
	// shifts are the shifted rules, by rule name (shift.go).
	shifts map[string]*stagedShift
}

// ServedConfig returns the configuration of the latest Apply that succeeded, nil before any: what
// explain, the dashboard and the metrics describe. It must not be modified.
func (dp *DataPlane) ServedConfig() *config.Config {
	if sv := dp.served.Load(); sv != nil {
		return sv.cfg
	}
	return nil
}

// served is what the data plane serves, for the views that describe it: explain, the dashboard
// and the host-count metrics.
type served struct {
	cfg    *config.Config
	groups map[string]action.TargetGroup
}

// commit makes g live after its listeners were swapped in: target settings and registrations,
// logs (finishing those g does not keep) and the served configuration.
func (dp *DataPlane) commit(g *graph) {
	for _, grp := range g.httpGroups {
		grp.Activate()
	}
	dp.registry.Retain(g.targets)
	g.accessLogs.commit()
	g.connLogs.commit()
	g.healthLogs.commit()
	dp.shadows.commit(g.shadows)
	dp.shifts.commit(g.shifts, g.shadows)
	dp.served.Store(&served{cfg: g.cfg, groups: g.groups})
}

// discard releases what the rejected build g prepared; nothing live has changed.
func (dp *DataPlane) discard(g *graph) {
	dp.registry.Abandon()
	g.accessLogs.discard()
	g.connLogs.discard()
	g.healthLogs.discard()
}
