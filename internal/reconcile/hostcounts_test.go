package reconcile

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

// TestHostCountGauges: every instance/ip target group has HealthyHostCount, UnHealthyHostCount,
// AnomalousHostCount and MitigatedHostCount at each scrape (§9.2; the last two "always
// reported", here zero as no target has stood out).
func TestHostCountGauges(t *testing.T) {
	t.Parallel()
	backend := namedBackend(t, "app")
	cfg := commitConfig("p", "0", backend)
	cfg.TargetGroups[0].Attributes[config.AttrAlgorithmType] = "weighted_random"
	cfg.TargetGroups[0].Attributes[config.AttrAnomalyMitigation] = "on"
	dp := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache"), DrainTimeout: 5 * time.Second})
	ctx := context.Background()
	if err := dp.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	defer dp.Close(ctx)
	got := map[string]float64{}
	for _, s := range dp.hostCounts() {
		if len(s.Labels) != 1 || s.Labels[0].Name != "target_group" || !strings.HasPrefix(s.Labels[0].Value, "targetgroup/app/") {
			t.Errorf("labels %v", s.Labels)
		}
		got[s.Name] = s.Value
	}
	for _, name := range []string{"alb_healthy_host_count", "alb_unhealthy_host_count", "alb_anomalous_host_count", "alb_mitigated_host_count"} {
		if _, ok := got[name]; !ok {
			t.Errorf("no %s in %v", name, got)
		}
	}
	if got["alb_anomalous_host_count"] != 0 || got["alb_mitigated_host_count"] != 0 {
		t.Errorf("targets without traffic counted anomalous: %v", got)
	}
}
