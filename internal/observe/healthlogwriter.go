package observe

import (
	"context"
	"time"
)

// HealthCheckLogOptions configure a HealthCheckLog: the same settings as an access log's, with
// Location built from health_check_logs.s3.bucket and .prefix.
type HealthCheckLogOptions = AccessLogOptions

// HealthCheckLog writes the health-check log of one load balancer: one entry per health check of
// every target registered behind it, in rotating local files gzipped and uploaded every period
// under health_check_log_ object names, as the AccessLog does for requests. Safe for concurrent
// use.
type HealthCheckLog struct {
	w   *rotatingLog[*HealthCheck]
	loc LogLocation
}

// NewHealthCheckLog starts the writer. Close stops it.
func NewHealthCheckLog(o HealthCheckLogOptions) *HealthCheckLog {
	w := &rotatingLog[*HealthCheck]{
		name:   "health check log",
		format: AppendHealthCheckLog,
		at:     func(h *HealthCheck) time.Time { return h.Start },
		key:    LogLocation.HealthCheckKey,
	}
	w.start(o)
	return &HealthCheckLog{w: w, loc: o.Location}
}

// Observe queues h for the log, filling in its load balancer and node address. It never
// blocks: when the buffer is full, or after Close, the entry is dropped and counted. h is the
// log's afterwards.
func (l *HealthCheckLog) Observe(h *HealthCheck) {
	h.LoadBalancer, h.NodeIP = l.loc.LoadBalancer, l.loc.nodeIP()
	l.w.observe(h)
}

// Dropped returns how many entries were dropped because the writer fell behind.
func (l *HealthCheckLog) Dropped() uint64 { return l.w.dropped.Load() }

// Close writes the entries already queued, finishes the current file (gzip and upload), and
// waits for uploads in flight or for ctx to end.
func (l *HealthCheckLog) Close(ctx context.Context) error { return l.w.close(ctx) }
