package observe

import (
	"bufio"
	"bytes"
	"path/filepath"
	"testing"

	"github.com/albatross-lb/albatross/internal/testkit"
)

// TestMetricsAfterScript: the metric values after a scripted sequence of exchanges, one of each
// outcome, across two listeners (§9.1, §9.2, RUL-04). Run with -update to rewrite
// testdata/metrics.golden.
func TestMetricsAfterScript(t *testing.T) {
	m := NewMetrics()
	m.AddSource(func() []Sample {
		return []Sample{{Name: "alb_healthy_host_count", Help: "HealthyHostCount.", Labels: []Label{{"target_group", "targetgroup/site/73e2d6bc24d8a067"}}, Value: 2}}
	})
	http80 := NewListenerObserver(m, testLB, "HTTP:80", nil)
	http81 := NewListenerObserver(m, testLB, "HTTP:81", nil)
	for i, o := range outcomes {
		ex := base()
		o.edit(ex)
		ex.RulesEvaluated = 2
		if i%2 == 0 {
			http80.Observe(ex)
		} else {
			http81.Observe(ex)
		}
	}
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	m.WriteTo(w)
	_ = w.Flush()
	path := filepath.Join("testdata", "metrics.golden")
	testkit.Golden(t, *update, path, out.Bytes())
}

// authOutcome is the index of the first authentication outcome (the last seven of outcomes).
var authOutcome = len(outcomes) - 7

// TestMetricsCounting pins the rules of counting one exchange at a time.
func TestMetricsCounting(t *testing.T) {
	testCases := []struct {
		desc    string
		outcome int // index in outcomes
		want    map[counter]uint64
	}{
		{desc: "HTTP target 200: RequestCount and Target_2XX", outcome: 0, want: map[counter]uint64{cRequestCount: 1, cTarget2XX: 1}},
		{desc: "Lambda 200: LambdaTargetProcessedBytes", outcome: 1, want: map[counter]uint64{cRequestCount: 1, cTarget2XX: 1, cLambdaProcessedBytes: 412 + 120 + 2}},
		{desc: "LambdaInvalidResponse: ELB 502 and LambdaUserError", outcome: 2, want: map[counter]uint64{cRequestCount: 1, cELB5XX: 1, cELB502: 1, cLambdaUserError: 1, cLambdaProcessedBytes: 412 + 120 + 110}},
		{desc: "redirect: ELB 3XX and HTTP_Redirect_Count", outcome: 5, want: map[counter]uint64{cRequestCount: 1, cELB3XX: 1, cRedirect: 1}},
		{desc: "fixed-response 418: ELB 4XX and HTTP_Fixed_Response_Count", outcome: 6, want: map[counter]uint64{cRequestCount: 1, cELB4XX: 1, cFixedResponse: 1}},
		{desc: "463 before routing: no RequestCount", outcome: 7, want: map[counter]uint64{cELB4XX: 1}},
		{desc: "IPv6 client", outcome: 11, want: map[counter]uint64{cRequestCount: 1, cIPv6RequestCount: 1, cTarget2XX: 1}},
		{desc: "desync Severe blocked with invalid headers forwarded", outcome: 14,
			want: map[counter]uint64{cELB4XX: 1, cDesyncNonCompliant: 1, cForwardedInvalidHeader: 1}},
		{desc: "desync Acceptable with invalid headers dropped", outcome: 15,
			want: map[counter]uint64{cRequestCount: 1, cTarget2XX: 1, cDesyncNonCompliant: 1, cDroppedInvalidHeader: 1}},
		{desc: "§9.3 sign-in finished: ELBAuthSuccess and ELBAuthLatency", outcome: authOutcome + 1,
			want: map[counter]uint64{cRequestCount: 1, cELB3XX: 1, cAuthSuccess: 1, cAuthLatencyMillis: 42, cAuthLatencyCount: 1}},
		{desc: "§9.3 refreshed and forwarded: ELBAuthRefreshTokenSuccess", outcome: authOutcome + 2,
			want: map[counter]uint64{cRequestCount: 1, cTarget2XX: 1, cAuthRefreshTokenSuccess: 1, cAuthLatencyMillis: 8, cAuthLatencyCount: 1}},
		{desc: "AUTH-04 token endpoint timeout: ELBAuthError", outcome: authOutcome + 3,
			want: map[counter]uint64{cRequestCount: 1, cELB5XX: 1, cELB500: 1, cAuthError: 1, cAuthLatencyMillis: 5000, cAuthLatencyCount: 1}},
		{desc: "AUTH-04 invalid state: ELBAuthFailure", outcome: authOutcome + 4, want: map[counter]uint64{cRequestCount: 1, cELB4XX: 1, cAuthFailure: 1}},
		{desc: "AUTH-04 claims over 11 K: ELBAuthUserClaimsSizeExceeded", outcome: authOutcome + 5,
			want: map[counter]uint64{cRequestCount: 1, cELB5XX: 1, cELB500: 1, cAuthUserClaimsSizeExceeded: 1}},
		{desc: "jwt-validation refusal: ELBAuthFailure", outcome: authOutcome + 6, want: map[counter]uint64{cRequestCount: 1, cELB4XX: 1, cAuthFailure: 1}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			ex := base()
			outcomes[tc.outcome].edit(ex)
			s := &series{}
			s.count(ex)
			for c := range numCounters {
				if c == cProcessedBytes || c == cIPv6ProcessedBytes || c == cRuleEvaluations {
					continue
				}
				if got := s.counters[c].Load(); got != tc.want[c] {
					t.Errorf("%s = %d, want %d", counterInfo[c].name, got, tc.want[c])
				}
			}
		})
	}
}

// TestRuleCountsAndRecent: per-rule request counts (the default rule as priority 0) and the
// recent requests, newest first, for the dashboard.
func TestRuleCountsAndRecent(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	o := NewListenerObserver(m, testLB, "HTTP:80", []int{10, 20})
	for _, i := range []int{0, 0, 1, 5} { // forward p10, forward p10, lambda p0, redirect p20
		ex := base()
		outcomes[i].edit(ex)
		o.Observe(ex)
	}
	if a, b, c := m.RuleRequests(testLB, "HTTP:80", 10), m.RuleRequests(testLB, "HTTP:80", 0), m.RuleRequests(testLB, "HTTP:80", 20); a != 2 || b != 1 || c != 1 {
		t.Errorf("rule counts p10=%d default=%d p20=%d", a, b, c)
	}
	recent := m.Recent()
	if len(recent) != 4 || recent[0].Status != 301 || !recent[1].Lambda || recent[1].DurationMS != 45 || recent[2].Target != "10.0.0.5:8081" {
		t.Errorf("recent %+v", recent)
	}
}

// TestRoutingAndTLSCounters: the marks the target group puts on an exchange become
// UnhealthyRoutingRequestCount and NonStickyRequestCount of its series, and failed client
// handshakes ClientTLSNegotiationErrorCount of their load balancer (§9.1, §9.2).
func TestRoutingAndTLSCounters(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	o := NewListenerObserver(m, testLB, "HTTPS:443", nil)
	for _, marks := range [][2]bool{{true, false}, {true, true}, {false, true}, {false, false}} {
		ex := base()
		outcomes[0].edit(ex)
		ex.UnhealthyRouting, ex.NonSticky = marks[0], marks[1]
		o.Observe(ex)
	}
	tlsErrors := m.ClientTLSErrors(testLB)
	tlsErrors.ClientTLSNegotiationFailed()
	m.ClientTLSErrors(testLB).ClientTLSNegotiationFailed() // the same counter across reloads
	_, fams := scrape(t, m, "")
	for name, want := range map[string]float64{
		"alb_unhealthy_routing_request_count_total":    2,
		"alb_non_sticky_request_count_total":           2,
		"alb_client_tls_negotiation_error_count_total": 2,
	} {
		f := fams[name]
		if f == nil || len(f.Metric) != 1 || f.Metric[0].GetCounter().GetValue() != want || labels(f.Metric[0])["load_balancer"] != testLB {
			t.Errorf("%s = %v, want %g", name, f, want)
		}
	}
}
