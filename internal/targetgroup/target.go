// Package targetgroup holds the targets of instance and ip target groups, their per-target state,
// and the algorithms that choose one target per request.
package targetgroup

import (
	"net"
	"strconv"
	"sync/atomic"
)

// Target is one registered target (id and port). Its runtime state lives here, in a value shared
// by every revision of the configuration that keeps the target registered, so that reloads do not
// reset it (the Registry hands out the same *Target for the same identity).
type Target struct {
	// ID is the registered id: an IP address or host name.
	ID string
	// Port is the port requests go to.
	Port int
	// Addr is ID:Port in the form net.Dial takes.
	Addr string

	outstanding atomic.Int64
	unhealthy   atomic.Bool
}

// NewTarget returns a target for id and port, healthy until told otherwise.
func NewTarget(id string, port int) *Target {
	return &Target{ID: id, Port: port, Addr: net.JoinHostPort(id, strconv.Itoa(port))}
}

// Outstanding is the number of requests in flight to the target.
func (t *Target) Outstanding() int64 { return t.outstanding.Load() }

// Begin counts a request as in flight; the returned function ends it. Least-outstanding-requests
// selection and draining read the count.
func (t *Target) Begin() (end func()) {
	t.outstanding.Add(1)
	return func() { t.outstanding.Add(-1) }
}

// Healthy reports whether the target may receive traffic. Targets are healthy until a health
// checker reports otherwise.
func (t *Target) Healthy() bool { return !t.unhealthy.Load() }

// SetHealthy records a health verdict.
func (t *Target) SetHealthy(healthy bool) { t.unhealthy.Store(!healthy) }
