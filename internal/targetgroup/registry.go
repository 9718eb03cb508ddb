package targetgroup

import (
	"strconv"
	"sync"
)

// Registry keeps Target values by identity (target group name, target id and port) across
// configuration revisions, so that health state and in-flight counts survive a reload
// (style habit 2). It is safe for concurrent use.
type Registry struct {
	mu      sync.Mutex
	targets map[string]*Target
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{targets: make(map[string]*Target)}
}

// Target returns the target registered as id:port in the named group, creating it on first use.
func (reg *Registry) Target(group, id string, port int) *Target {
	key := group + "\x00" + id + "\x00" + strconv.Itoa(port)
	reg.mu.Lock()
	defer reg.mu.Unlock()
	t, ok := reg.targets[key]
	if !ok {
		t = NewTarget(id, port)
		reg.targets[key] = t
	}
	return t
}

// Retain drops every target not in keep, so that a removed target's state does not linger.
func (reg *Registry) Retain(keep map[*Target]bool) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	for key, t := range reg.targets {
		if !keep[t] {
			delete(reg.targets, key)
		}
	}
}
