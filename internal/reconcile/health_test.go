package reconcile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// TestGroupOptions: the §10.3 attributes reach the target group (ALG-01..04, HC-05, STK-01).
func TestGroupOptions(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc  string
		attrs map[string]string
		check func(o targetgroup.Options) bool
	}{
		{desc: "defaults: round robin, 300 s delay, count 1, no stickiness", check: func(o targetgroup.Options) bool {
			return o.Algorithm == targetgroup.RoundRobin && o.DeregistrationDelay == 300*time.Second &&
				o.MinHealthyCount == 1 && o.MinHealthyPercent == 0 && o.Stickiness == nil && o.SlowStart == 0
		}},
		{desc: "ALG-01 least outstanding", attrs: map[string]string{"load_balancing.algorithm.type": "least_outstanding_requests"},
			check: func(o targetgroup.Options) bool { return o.Algorithm == targetgroup.LeastOutstandingRequests }},
		{desc: "ALG-01 anomaly mitigation with weighted random", attrs: map[string]string{
			"load_balancing.algorithm.type": "weighted_random", "load_balancing.algorithm.anomaly_mitigation": "on"},
			check: func(o targetgroup.Options) bool {
				return o.Algorithm == targetgroup.WeightedRandom && o.AnomalyMitigation
			}},
		{desc: "ALG-01 anomaly mitigation ignored for round robin", attrs: map[string]string{"load_balancing.algorithm.anomaly_mitigation": "on"},
			check: func(o targetgroup.Options) bool { return !o.AnomalyMitigation }},
		{desc: "ALG-03 and ALG-04 durations", attrs: map[string]string{"slow_start.duration_seconds": "45", "deregistration_delay.timeout_seconds": "0"},
			check: func(o targetgroup.Options) bool { return o.SlowStart == 45*time.Second && o.DeregistrationDelay == 0 }},
		{desc: "HC-05 thresholds", attrs: map[string]string{
			"target_group_health.unhealthy_state_routing.minimum_healthy_targets.count":      "2",
			"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "50"},
			check: func(o targetgroup.Options) bool { return o.MinHealthyCount == 2 && o.MinHealthyPercent == 50 }},
		{desc: "STK-01 lb_cookie", attrs: map[string]string{"stickiness.enabled": "true"},
			check: func(o targetgroup.Options) bool { return o.Stickiness != nil }},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			tg := &config.TargetGroup{Name: "web", Port: 80, Attributes: tc.attrs}
			if o := groupOptions(tg, bytes.Repeat([]byte{1}, 32)); !tc.check(o) {
				t.Fatalf("options %+v", o)
			}
		})
	}
}

// TestHTTPCheck: HC-02 port and identity of the check; settings changes change the key, so the
// registry restarts the checker only then.
func TestHTTPCheck(t *testing.T) {
	t.Parallel()
	target := targetgroup.NewTarget("127.0.0.1", 8081)
	tg := &config.TargetGroup{Name: "web", Port: 8081}
	a, b := targetCheck(tg, target, true), targetCheck(tg, target, true)
	if a.Key != b.Key || a.Prober == nil || a.NotInUse {
		t.Fatalf("same settings, keys %q and %q", a.Key, b.Key)
	}
	if a.Settings.Interval != 30*time.Second || a.Settings.Timeout != 5*time.Second ||
		a.Settings.HealthyThreshold != 5 || a.Settings.UnhealthyThreshold != 2 {
		t.Errorf("default settings %+v", a.Settings)
	}
	tg.HealthCheckPath = "/health"
	if c := targetCheck(tg, target, true); c.Key == a.Key {
		t.Error("path change kept the key")
	}
	tg.HealthCheckPort = "9000"
	if c := targetCheck(tg, target, true); c.Key == a.Key {
		t.Error("port change kept the key")
	}
	if c := targetCheck(tg, target, false); !c.NotInUse || c.Prober != nil {
		t.Error("a group no listener uses is checked")
	}
}

// TestLambdaCheck: HC-03 and §12.16, Lambda health checks are off unless enabled.
func TestLambdaCheck(t *testing.T) {
	t.Parallel()
	tg := &config.TargetGroup{Name: "fn", TargetType: config.TargetTypeLambda}
	if c := lambdaCheck(tg, "arn", nil, true); c.Prober != nil || c.NotInUse {
		t.Fatalf("default lambda check %+v, want disabled", c)
	}
	on := true
	tg.HealthCheckEnabled = &on
	c := lambdaCheck(tg, "arn", nil, true)
	if c.Prober == nil || c.Settings.Interval != 35*time.Second || c.Settings.Timeout != 30*time.Second ||
		c.Settings.UnhealthyThreshold != 5 {
		t.Fatalf("enabled lambda check %+v", c)
	}
	if c := lambdaCheck(tg, "arn", nil, false); !c.NotInUse {
		t.Fatal("unused lambda group checked")
	}
}

// TestLoadStickinessKey: the key is created once, kept private, and read back after a restart.
func TestLoadStickinessKey(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	k1, err := LoadStickinessKey(dir)
	if err != nil || len(k1) != 32 {
		t.Fatalf("key %x, %v", k1, err)
	}
	st, err := os.Stat(filepath.Join(dir, StickinessKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v, %v; want mode 0600", st, err)
	}
	k2, err := LoadStickinessKey(dir)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatal("key changed across loads")
	}
	if err := os.WriteFile(filepath.Join(dir, StickinessKeyFile), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadStickinessKey(dir); err == nil {
		t.Fatal("a damaged key file was accepted")
	}
	if dp := New(Options{StickinessKey: k1}); !bytes.Equal(dp.stickyKey, k1) {
		t.Fatal("Options.StickinessKey was not taken")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a short key was accepted")
		}
	}()
	New(Options{StickinessKey: []byte("short")})
}
