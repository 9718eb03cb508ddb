package observe

import (
	"bufio"
	"strings"
	"testing"
)

// TestBuildInfoGauge: the build appears as one gauge with its labels, escaped like any label.
func TestBuildInfoGauge(t *testing.T) {
	m := NewMetrics()
	m.AddSource(BuildInfoSource("v1.2.3", "0123abc", `go1.26"x`))
	var out strings.Builder
	w := bufio.NewWriter(&out)
	m.WriteTo(w)
	_ = w.Flush()
	want := "# TYPE albatross_build_info gauge\n" +
		`albatross_build_info{version="v1.2.3",revision="0123abc",goversion="go1.26\"x"} 1` + "\n"
	if !strings.Contains(out.String(), want) {
		t.Fatalf("exposition lacks\n%s\ngot\n%s", want, out.String())
	}
}
