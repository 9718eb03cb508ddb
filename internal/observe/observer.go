package observe

import (
	"sync"
	"sync/atomic"
)

// Sink receives finished exchanges; it must not block (AccessLog, the OpenTelemetry exporter).
// ex is valid only during Observe: a sink that keeps it keeps ex.Clone().
type Sink interface {
	Observe(ex *Exchange)
}

var _ Sink = (*AccessLog)(nil)

// ListenerObserver is what one listener's router reports finished exchanges to: it counts them
// in the metrics and hands them to its sinks (the load balancer's access log, a trace
// exporter). Observe does no I/O and takes no lock once a target group's series exists.
type ListenerObserver struct {
	metrics  *Metrics
	sinks    []Sink
	lb       string
	listener string
	byGroup  sync.Map // target group ARN → *series
	// rules counts requests per rule priority (0: default rule); built once, read-only.
	rules map[int]*atomic.Uint64
}

// NewListenerObserver returns the observer of the listener named listener (e.g. "HTTP:8080") of
// the load balancer lb (app/<name>/<id>) whose rules have the given priorities (for per-rule
// request counts; the default rule is always counted). metrics may be nil to skip them.
func NewListenerObserver(metrics *Metrics, lb, listener string, priorities []int, sinks ...Sink) *ListenerObserver {
	o := &ListenerObserver{metrics: metrics, sinks: sinks, lb: lb, listener: listener}
	if metrics != nil {
		o.rules = make(map[int]*atomic.Uint64, len(priorities)+1)
		for _, p := range append([]int{0}, priorities...) {
			o.rules[p] = metrics.ruleCounter(ruleKey{lb, listener, p})
		}
	}
	return o
}

// Observe records ex. Nothing keeps ex itself past the call: the caller may reuse it.
func (o *ListenerObserver) Observe(ex *Exchange) {
	if o.metrics != nil {
		o.series(ex.TargetGroupARN).count(ex)
		if c := o.rules[ex.MatchedRulePriority]; c != nil {
			c.Add(1)
		}
		o.metrics.addRecent(ex, o.listener)
		o.metrics.history.record(ex, o.listener)
	}
	for _, s := range o.sinks {
		s.Observe(ex)
	}
}

func (o *ListenerObserver) series(tgARN string) *series {
	if s, ok := o.byGroup.Load(tgARN); ok {
		return s.(*series)
	}
	s := o.metrics.get(seriesKey{lb: o.lb, listener: o.listener, tg: resourceID(tgARN)})
	o.byGroup.Store(tgARN, s)
	return s
}
