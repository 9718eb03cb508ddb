package reconcile

import (
	"context"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/listener"
	"github.com/albatross-lb/albatross/internal/observe"
)

// attrConnectionLogsEnabled turns on a load balancer's connection log (§10.1, CLOG-01).
const attrConnectionLogsEnabled = "connection_logs.s3.enabled"

// lbConnLog is a load balancer's connection log and the settings it was opened with.
type lbConnLog struct {
	loc observe.LogLocation
	log *observe.ConnectionLog
}

// handshakes is the connection log of listener l of lb, as the listener's handshake hook: nil
// for HTTP listeners (CLOG-01 logs HTTPS listeners only) and when connection_logs.s3.enabled
// is not true.
func (b *builder) handshakes(lb *config.LoadBalancer, l *config.Listener) listener.HandshakeObserver {
	if l.EffectiveProtocol() != config.ProtocolHTTPS {
		return nil
	}
	log := b.rt.obs().connectionLog(b.cfg, lb, loadBalancerID(b.cfg, lb.Name), b.rt)
	if log == nil {
		return nil // not a typed nil: the listener tests the interface
	}
	return log.ForListener(l.Port)
}

// connectionLog returns lb's connection log, nil when connection_logs.s3.enabled is not true.
// Like the access log, it lives across reloads; one whose bucket or prefix changed is finished
// and a new one begun. Files go beside the access log's, under the same local root.
func (o *observability) connectionLog(cfg *config.Config, lb *config.LoadBalancer, id string, rt *Runtime) *observe.ConnectionLog {
	o.mu.Lock()
	defer o.mu.Unlock()
	cur := o.connLogs[lb.Name]
	if lb.Attribute(attrConnectionLogsEnabled) != "true" {
		if cur != nil {
			delete(o.connLogs, lb.Name)
			go func() { _ = cur.log.Close(context.Background()) }()
		}
		return nil
	}
	loc := observe.LogLocation{
		Bucket: lb.Attribute("connection_logs.s3.bucket"), Prefix: lb.Attribute("connection_logs.s3.prefix"),
		AccountID: cfg.EffectiveAccountID(), Region: cfg.EffectiveRegion(), LoadBalancer: id,
	}
	if cur != nil && cur.loc == loc {
		return cur.log
	}
	if cur != nil {
		go func() { _ = cur.log.Close(context.Background()) }()
	}
	opts := observe.ConnectionLogOptions{Location: loc, Dir: o.dir, Logger: rt.log}
	if loc.Bucket != "" {
		opts.Uploader = s3Uploader(rt, loc.Region)
	}
	next := &lbConnLog{loc: loc, log: observe.NewConnectionLog(opts)}
	o.connLogs[lb.Name] = next
	return next.log
}

// closeConnectionLogs finishes every connection log file (gzip, upload) and stops the writers.
func (o *observability) closeConnectionLogs(ctx context.Context) []error {
	o.mu.Lock()
	logs := o.connLogs
	o.connLogs = map[string]*lbConnLog{}
	o.mu.Unlock()
	var errs []error
	for _, l := range logs {
		errs = append(errs, l.log.Close(ctx))
	}
	return errs
}
