package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// summary is the median of one system's runs.
type summary struct {
	System   string
	Runs     int
	RPS      float64
	P50, P99 time.Duration
	// P999 is the 99.9th percentile; -1 when not measured.
	P999 time.Duration
	// ProxyCPU and BackendCPU are microseconds of CPU per request; -1 when not measured.
	ProxyCPU, BackendCPU float64
	// ProxySwitches is the proxy's context switches per request; -1 when not measured.
	ProxySwitches float64
	// ProxySyscalls is the proxy's system calls per request; -1 when not measured.
	ProxySyscalls float64
	// Errors adds socket errors and non-2xx/3xx answers over all runs.
	Errors int64
}

// summarize groups runs by system, in the order systems first appear, and takes the median of
// each measure: drift and a noisy neighbour hit single rounds, and the median ignores them.
func summarize(runs []run, clkTck int) []summary {
	var order []string
	bySystem := map[string][]run{}
	for _, r := range runs {
		if _, ok := bySystem[r.System]; !ok {
			order = append(order, r.System)
		}
		bySystem[r.System] = append(bySystem[r.System], r)
	}
	out := make([]summary, 0, len(order))
	for _, name := range order {
		rs := bySystem[name]
		s := summary{System: name, Runs: len(rs)}
		var rps, p50, p99, p999, proxy, backend, switches, syscalls []float64
		for _, r := range rs {
			rps = append(rps, r.Wrk.RPS)
			p50 = append(p50, float64(r.Wrk.P50))
			p99 = append(p99, float64(r.Wrk.P99))
			p999 = append(p999, float64(r.Wrk.P999))
			syscalls = append(syscalls, r.syscallsPerRequest())
			proxy = append(proxy, r.cpuPerRequest(r.ProxyTicks, clkTck))
			backend = append(backend, r.cpuPerRequest(r.BackendTicks, clkTck))
			switches = append(switches, r.switchesPerRequest())
			s.Errors += r.Wrk.SocketErrors + r.Wrk.Non2xx
		}
		s.RPS = median(rps)
		s.P50, s.P99 = time.Duration(median(p50)), time.Duration(median(p99))
		s.ProxyCPU, s.BackendCPU = median(proxy), median(backend)
		s.ProxySwitches = median(switches)
		s.P999 = time.Duration(median(p999))
		s.ProxySyscalls = median(syscalls)
		out = append(out, s)
	}
	return out
}

// median of xs; -1 (not measured) when any value is -1, so that a missing measure never
// masquerades as a small one. It sorts a copy.
func median(xs []float64) float64 {
	if len(xs) == 0 || slices.Contains(xs, -1) {
		return -1
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// targets are the goals the summary is checked against.
type targets struct {
	Subject, Baseline string
	MaxCPU            float64 // µs per request of the subject's proxy process
	MinRatio          float64 // subject's requests/s over the baseline's
	ReferenceCPU      float64 // µs per request of the baseline where MaxCPU was set; 0: not known
}

// writeMarkdown prints the summary table and one verdict line for the subject.
func writeMarkdown(w io.Writer, sums []summary, t targets) {
	base := find(sums, t.Baseline)
	fmt.Fprintf(w, "| system | runs | requests/s | ÷ %s | p50 | p99 | p99.9 | proxy CPU µs/req | backend CPU µs/req | proxy context switches/req | proxy syscalls/req | errors |\n", t.Baseline)
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, s := range sums {
		ratio := "—"
		if base != nil && base.RPS > 0 {
			ratio = fmt.Sprintf("%.2f×", s.RPS/base.RPS)
		}
		switches := "—"
		if s.ProxySwitches >= 0 {
			switches = fmt.Sprintf("%.2f", s.ProxySwitches)
		}
		p999 := "—"
		if s.P999 >= 0 {
			p999 = formatLatency(s.P999)
		}
		syscalls := "—"
		if s.ProxySyscalls >= 0 {
			syscalls = fmt.Sprintf("%.2f", s.ProxySyscalls)
		}
		fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %d |\n",
			s.System, s.Runs, s.RPS, ratio, formatLatency(s.P50), formatLatency(s.P99), p999,
			formatCPU(s.ProxyCPU), formatCPU(s.BackendCPU), switches, syscalls, s.Errors)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, verdict(find(sums, t.Subject), base, t))
	if line := relativeVerdict(find(sums, t.Subject), base, t); line != "" {
		fmt.Fprintln(w)
		fmt.Fprintln(w, line)
	}
}

// relativeVerdict checks issue 14's same-run targets for the HTTP/1.1 engine at c = 50: at
// least 0.8× the baseline's requests/s, at most 1.6× its CPU per request, and a p99 no worse.
func relativeVerdict(subject, base *summary, t targets) string {
	if subject == nil || base == nil || base.RPS <= 0 || subject.ProxyCPU < 0 || base.ProxyCPU <= 0 {
		return ""
	}
	ratio, cpu := subject.RPS/base.RPS, subject.ProxyCPU/base.ProxyCPU
	return fmt.Sprintf("Same-run targets (issue 14, meant for c = 50 keep-alive): %.2f× %s's requests/s (≥ 0.8×: %s); %.2f× its CPU/request (≤ 1.6×: %s); p99 %s against %s (no worse: %s).",
		ratio, t.Baseline, metWord(ratio >= 0.8), cpu, metWord(cpu <= 1.6),
		formatLatency(subject.P99), formatLatency(base.P99), metWord(subject.P99 <= base.P99))
}

func find(sums []summary, system string) *summary {
	for i := range sums {
		if sums[i].System == system {
			return &sums[i]
		}
	}
	return nil
}

// verdict states, in one line, whether the subject met both targets. The CPU target is absolute
// but was set on a machine where the baseline cost ReferenceCPU, so the line also gives the
// subject's CPU relative to the baseline's, against MaxCPU/ReferenceCPU.
func verdict(subject, base *summary, t targets) string {
	if subject == nil || base == nil || base.RPS <= 0 || subject.ProxyCPU < 0 {
		return fmt.Sprintf("Targets: not checked (need measured %q and %q rows).", t.Subject, t.Baseline)
	}
	ratio := subject.RPS / base.RPS
	line := fmt.Sprintf("Targets: %s %.1f µs CPU/request (target ≤ %.0f: %s); %.2f× %s's requests/s (target ≥ %.1f×: %s); %d errors.",
		t.Subject, subject.ProxyCPU, t.MaxCPU, metWord(subject.ProxyCPU <= t.MaxCPU),
		ratio, t.Baseline, t.MinRatio, metWord(ratio >= t.MinRatio), subject.Errors)
	if base.ProxyCPU > 0 && t.ReferenceCPU > 0 {
		relative, limit := subject.ProxyCPU/base.ProxyCPU, t.MaxCPU/t.ReferenceCPU
		line += fmt.Sprintf(" Relative: %.1f× %s's CPU/request (the target scaled by %s's %.0f µs on the reference machine: ≤ %.1f×: %s).",
			relative, t.Baseline, t.Baseline, t.ReferenceCPU, limit, metWord(relative <= limit))
	}
	return line
}

func metWord(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func formatCPU(us float64) string {
	if us < 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", us)
}

// formatLatency prints milliseconds with three decimals, one unit for the whole column.
func formatLatency(d time.Duration) string {
	return strings.TrimSpace(fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)))
}
