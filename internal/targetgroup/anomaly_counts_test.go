package targetgroup

import (
	"testing"
	"time"
)

// TestAnomalyCounts: AnomalousHostCount counts the target whose errors stand out in a
// weighted_random group; MitigatedHostCount counts it only with anomaly_mitigation on; other
// algorithms have no detection and report zero.
func TestAnomalyCounts(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc                         string
		opts                         Options
		wantAnomalous, wantMitigated int
	}{
		{desc: "weighted_random with mitigation", opts: Options{Algorithm: WeightedRandom, AnomalyMitigation: true}, wantAnomalous: 1, wantMitigated: 1},
		{desc: "weighted_random without mitigation", opts: Options{Algorithm: WeightedRandom}, wantAnomalous: 1},
		{desc: "round_robin has no detection", opts: Options{Algorithm: RoundRobin}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			ts := targets(3)
			for range 100 {
				ts[0].Record(true, 10*time.Millisecond)
				ts[1].Record(false, 10*time.Millisecond)
				ts[2].Record(false, 12*time.Millisecond)
			}
			a, m := NewGroup("tg", "arn", ts, tc.opts).AnomalyCounts()
			if a != tc.wantAnomalous || m != tc.wantMitigated {
				t.Errorf("AnomalyCounts = %d, %d; want %d, %d", a, m, tc.wantAnomalous, tc.wantMitigated)
			}
		})
	}
	quiet := targets(3) // too few samples to judge
	if a, _ := NewGroup("tg", "arn", quiet, Options{Algorithm: WeightedRandom, AnomalyMitigation: true}).AnomalyCounts(); a != 0 {
		t.Errorf("targets without samples counted anomalous: %d", a)
	}
}
