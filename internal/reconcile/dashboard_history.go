package reconcile

import (
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// historySampler feeds the dashboard's charts with what requests do not carry: function
// environments and cold starts, and target health, read every observe.HistoryStep. It runs from
// the first DashboardHandler call until CloseObservability, so a Runtime without a dashboard
// pays nothing.
type historySampler struct {
	once sync.Once
	stop chan struct{}
	done chan struct{}
}

// startSampler starts the sampler once.
func (dp *DataPlane) startSampler() {
	o := dp.obs()
	o.sampler.once.Do(func() {
		o.sampler.stop, o.sampler.done = make(chan struct{}), make(chan struct{})
		go func() {
			defer close(o.sampler.done)
			tick := time.NewTicker(observe.HistoryStep)
			defer tick.Stop()
			for {
				guarded(dp.log, "dashboard_history", dp.sampleHistory) // a bad sample costs that sample
				select {
				case <-tick.C:
				case <-o.sampler.stop:
					return
				}
			}
		}()
	})
}

// stopSampler stops the sampler, if it runs, and waits for it.
func (o *observability) stopSampler() {
	o.sampler.once.Do(func() {}) // a later start is a no-op
	if o.sampler.stop != nil {
		select {
		case <-o.sampler.stop:
		default:
			close(o.sampler.stop)
		}
		<-o.sampler.done
	}
}

// sampleHistory records the functions' environments and the targets' health now.
func (dp *DataPlane) sampleHistory() {
	o := dp.obs()
	h := o.metrics.History()
	var fns []observe.FunctionSample
	for _, f := range dp.dashFunctions() {
		fns = append(fns, observe.FunctionSample{Name: f.Name, Starting: f.Starting, Idle: f.Idle, Busy: f.Busy, ColdStarts: f.ColdStarts})
	}
	h.SampleFunctions(fns)
	sv := dp.served.Load()
	if sv == nil {
		return
	}
	groups := &sv.groups
	var targets []observe.TargetState
	for _, g := range *groups {
		hg, ok := g.(interface{ Targets() []*targetgroup.Target })
		if !ok {
			continue
		}
		for _, t := range hg.Targets() {
			th := t.Health()
			targets = append(targets, observe.TargetState{
				TargetGroup: tgID(g.TargetGroupARN()), Target: targetAddr(th.ID, th.Port),
				State: th.State.String(), Reason: th.Reason, Description: th.Description,
				Healthy: t.Healthy(), Unhealthy: th.State == targetgroup.StateUnhealthy,
			})
		}
	}
	h.SampleHealth(targets)
}

// targetAddr is a target as the exchange names it (ip:port).
func targetAddr(id string, port int) string {
	if port == 0 {
		return id
	}
	if strings.Contains(id, ":") {
		return "[" + id + "]:" + strconv.Itoa(port)
	}
	return id + ":" + strconv.Itoa(port)
}

// dashRequest is the detail of one recent request: the record, how the rules match it now, and
// for a Lambda target the event and the response.
type dashRequest struct {
	observe.RecentRequest
	// Rule is the matched rule as configured now.
	Rule string `json:"rule"`
	// Explain is `albatross explain` for the request re-run against the current configuration
	// (request line, Host, client address and headers; not the body), ExplainError why it
	// could not be.
	Explain        string `json:"explain,omitempty"`
	ExplainError   string `json:"explain_error,omitempty"`
	LambdaEvent    string `json:"lambda_event,omitempty"`
	LambdaResponse string `json:"lambda_response,omitempty"`
}

// forwardingHeaders are added by the load balancer; explain adds them again.
var forwardingHeaders = map[string]bool{"X-Forwarded-For": true, "X-Forwarded-Proto": true, "X-Forwarded-Port": true, "X-Amzn-Trace-Id": true}

// dashboardRequest is the detail view's data for recent request id.
func (dp *DataPlane) dashboardRequest(id string) (any, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return nil, false
	}
	o := dp.obs()
	rr, ok := o.metrics.RecentByID(n)
	if !ok {
		return nil, false
	}
	d := dashRequest{RecentRequest: rr, LambdaEvent: rr.LambdaEvent, LambdaResponse: rr.LambdaResponse}
	sv := dp.served.Load()
	if sv == nil || rr.Method == "" {
		d.ExplainError = "the request was rejected before it could be routed"
		return d, true
	}
	if dp.opts.ExplainRecent == nil {
		d.ExplainError = "explain is not available in this build"
		return d, true
	}
	proto, port, _ := strings.Cut(rr.Listener, ":")
	url := strings.ToLower(proto) + "://" + rr.Host + ":" + port + rr.URI
	var headers []string
	for name, values := range rr.Header {
		if !forwardingHeaders[name] {
			for _, v := range values {
				headers = append(headers, name+": "+v)
			}
		}
	}
	d.Rule, d.Explain, err = dp.opts.ExplainRecent(sv.cfg, rr.Method, url, clientOf(rr.Client), headers)
	if err != nil {
		d.ExplainError = err.Error()
	}
	return d, true
}

// clientOf is the client address as explain takes it: "" when none was recorded.
func clientOf(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}
