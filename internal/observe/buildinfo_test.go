package observe

import (
	"testing"
)

// TestBuildInfoGauge: the build appears as one gauge with its labels, escaped like any label
// (the scrape's parser reads the quote back).
func TestBuildInfoGauge(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	m.AddSource(BuildInfoSource("v1.2.3", "0123abc", `go1.26"x`))
	_, fams := scrape(t, m, "")
	f := fams["albatross_build_info"]
	if f == nil || len(f.Metric) != 1 {
		t.Fatalf("albatross_build_info %v", f)
	}
	l := labels(f.Metric[0])
	if l["version"] != "v1.2.3" || l["revision"] != "0123abc" || l["goversion"] != `go1.26"x` || f.Metric[0].GetGauge().GetValue() != 1 {
		t.Errorf("albatross_build_info %v", f.Metric[0])
	}
}
