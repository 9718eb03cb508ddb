package reconcile

import (
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/listener"
	"github.com/albatross-lb/albatross/internal/observe"
)

// handshakes is the connection log of listener l of lb, as the listener's handshake hook: nil
// for HTTP listeners (CLOG-01 logs HTTPS listeners only) and when connection_logs.s3.enabled
// is not true.
func (b *builder) handshakes(lb *config.LoadBalancer, l *config.Listener) listener.HandshakeObserver {
	if l.EffectiveProtocol() != config.ProtocolHTTPS {
		return nil
	}
	log := b.connectionLog(lb, loadBalancerID(b.cfg, lb.Name))
	if log == nil {
		return nil // not a typed nil: the listener tests the interface
	}
	return log.ForListener(l.Port)
}

// connectionLog returns lb's connection log, nil when connection_logs.s3.enabled is not true.
// Like the access log, it lives across reloads while its bucket and prefix stay the same. Files
// go beside the access log's, under the same local root.
func (b *builder) connectionLog(lb *config.LoadBalancer, id string) *observe.ConnectionLog {
	if lb.Attribute(config.AttrConnectionLogsEnabled) != "true" {
		return nil
	}
	opts := b.logOptions(lb, id, config.AttrConnectionLogsBucket, config.AttrConnectionLogsPrefix)
	return b.g.connLogs.use(lb.Name, opts.Location, func() *observe.ConnectionLog { return observe.NewConnectionLog(opts) })
}
