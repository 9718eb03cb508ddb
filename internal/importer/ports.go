package importer

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/albatross-lb/albatross/internal/config"
)

// PortMap moves listener ports: a load balancer written for ports 80 and 443 can run as an
// ordinary user on 8080 and 8443. Explicit pairs win over the offset.
type PortMap struct {
	Pairs  map[int]int
	Offset int
}

// ParsePortMap reads --port-map "80=8080,443=8443".
func ParsePortMap(s string) (map[int]int, error) {
	out := map[int]int{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		from, to, ok := strings.Cut(pair, "=")
		f, ferr := strconv.Atoi(strings.TrimSpace(from))
		t, terr := strconv.Atoi(strings.TrimSpace(to))
		if !ok || ferr != nil || terr != nil || f < 1 || f > 65535 || t < 1 || t > 65535 {
			return nil, fmt.Errorf("--port-map: %q must be FROM=TO with ports 1-65535", pair)
		}
		out[f] = t
	}
	return out, nil
}

// Empty reports whether the map moves nothing.
func (pm PortMap) Empty() bool { return len(pm.Pairs) == 0 && pm.Offset == 0 }

// port is where a listener written for p listens.
func (pm PortMap) port(p int) int {
	if to, ok := pm.Pairs[p]; ok {
		return to
	}
	return p + pm.Offset
}

// Apply moves every listener's port, and the numeric port of redirects that point at one of
// the configuration's own listeners (so that an HTTP-to-HTTPS redirect still lands on the moved
// HTTPS listener).
func (pm PortMap) Apply(cfg *config.Config) error {
	if pm.Empty() {
		return nil
	}
	own := map[int]bool{}
	for _, lb := range cfg.LoadBalancers {
		for _, l := range lb.Listeners {
			own[l.Port] = true
		}
	}
	move := func(as []config.Action) {
		for i := range as {
			if rc := as[i].RedirectConfig; rc != nil {
				if p, err := strconv.Atoi(rc.Port); err == nil && own[p] {
					rc.Port = strconv.Itoa(pm.port(p))
				}
			}
		}
	}
	for i := range cfg.LoadBalancers {
		for j := range cfg.LoadBalancers[i].Listeners {
			l := &cfg.LoadBalancers[i].Listeners[j]
			to := pm.port(l.Port)
			if to < 1 || to > 65535 {
				return fmt.Errorf("--port-offset %d moves listener port %d to %d, outside 1-65535", pm.Offset, l.Port, to)
			}
			l.Port = to
			move(l.DefaultActions)
			for k := range l.Rules {
				move(l.Rules[k].Actions)
			}
		}
	}
	return nil
}

// BindHint explains a listener that could not bind a privileged port, naming the flags that
// move it; "" when err is not that.
func BindHint(err error) string {
	var op *net.OpError
	if !errors.As(err, &op) || !errors.Is(err, syscall.EACCES) {
		return ""
	}
	addr, ok := op.Addr.(*net.TCPAddr)
	if !ok || addr.Port >= 1024 {
		return ""
	}
	return fmt.Sprintf("port %d is below 1024 and needs privileges: move it with --port-map %d=%d (or --port-offset 8000 for every listener)", addr.Port, addr.Port, addr.Port+8000)
}
