package reconcile

import (
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/listener"
)

// TestConnectionCapOptions: the albatross.connections.* attributes reach the listener, and unset
// ones give the listener's defaults.
func TestConnectionCapOptions(t *testing.T) {
	t.Parallel()
	l := &config.Listener{Port: 80}
	o := mustOptions(t, &config.LoadBalancer{Name: "web"}, l)
	if o.MaxConnections != listener.DefaultMaxConnections || o.MaxConnectionsPerIP != listener.DefaultMaxConnectionsPerIP {
		t.Errorf("defaults: %d, %d", o.MaxConnections, o.MaxConnectionsPerIP)
	}
	lb := &config.LoadBalancer{Name: "web", Attributes: map[string]string{
		config.AttrMaxConnections: "50", config.AttrMaxConnectionsPerIP: "5"}}
	if o := mustOptions(t, lb, l); o.MaxConnections != 50 || o.MaxConnectionsPerIP != 5 {
		t.Errorf("set: %d, %d", o.MaxConnections, o.MaxConnectionsPerIP)
	}
}
