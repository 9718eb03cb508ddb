package main

import "fmt"

// The issue's targets for a warm Go function behind Albatross.
const (
	// maxOverheadMs is the most the function may add over variant (a) at p50.
	maxOverheadMs = 0.2
	// minSingleFactor is how many times the emulator's requests/s Albatross answers at
	// concurrency 1 (issue 14, point 4).
	minSingleFactor = 1.5
	// minMultiWorkerFactor is how many times the emulator's multi-worker requests/s Albatross
	// answers at concurrency 10, with no errors.
	minMultiWorkerFactor = 3
	// maxColdMs bounds the median Go cold start.
	maxColdMs = 30
	// issueMultiWorkerRPS is the emulator's multi-worker successful requests/s at concurrency 10
	// as the issue measured it on its machine. Machines differ, so the verdict that counts uses the
	// same run; this one is shown beside it because the issue's 3× was set against this figure.
	issueMultiWorkerRPS = 1060
)

// ratio is a÷b as "1.23×", or "-" when b is zero.
func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// checkTargets states each target with the measured values and whether it is met.
func checkTargets(rows map[key]row, cold []coldRow) []string {
	var out []string
	verdict := func(ok bool) string {
		if ok {
			return "**met**"
		}
		return "**missed**"
	}
	for _, c := range []int{1, 10} {
		fn, okFn := rows[key{"albatross-fn", c}]
		h, okH := rows[key{"albatross-http", c}]
		if okFn && okH {
			d := fn.p50Ms - h.p50Ms
			s := fmt.Sprintf("p50 overhead of the function over variant (a) at concurrency %d: %.3f ms", c, d)
			if c == 1 {
				s += fmt.Sprintf(" (target < %.1f ms): %s", maxOverheadMs, verdict(d < maxOverheadMs))
			}
			out = append(out, s)
		}
	}
	fn1, ok1 := rows[key{"albatross-fn", 1}]
	rie1, okR := rows[key{"rie", 1}]
	if ok1 && okR {
		out = append(out, fmt.Sprintf("concurrency 1: %.0f successful req/s vs the emulator's %.0f, %s (target ≥ %.1f×, no errors): %s",
			fn1.rps, rie1.rps, ratio(fn1.rps, rie1.rps), minSingleFactor,
			verdict(fn1.errors == 0 && fn1.rps >= minSingleFactor*rie1.rps)))
	}
	fn10, ok10 := rows[key{"albatross-fn", 10}]
	multi, okM := rows[key{"rie-multi", 10}]
	if ok10 && okM {
		out = append(out, fmt.Sprintf("concurrency 10: %.0f successful req/s with %d errors vs the emulator's multi-worker %.0f, %s (target ≥ %d× = %.0f, no errors): %s",
			fn10.rps, fn10.errors, multi.rps, ratio(fn10.rps, multi.rps), minMultiWorkerFactor, minMultiWorkerFactor*multi.rps,
			verdict(fn10.errors == 0 && fn10.rps >= minMultiWorkerFactor*multi.rps)))
	}
	if ok10 {
		out = append(out, fmt.Sprintf("concurrency 10 against the issue's own emulator figure (%d× %d = %d req/s, no errors): %s",
			minMultiWorkerFactor, issueMultiWorkerRPS, minMultiWorkerFactor*issueMultiWorkerRPS,
			verdict(fn10.errors == 0 && fn10.rps >= minMultiWorkerFactor*issueMultiWorkerRPS)))
	}
	for _, c := range []int{1, 10} {
		fn, okFn := rows[key{"albatross-fn", c}]
		base, okB := rows[key{"albatross-fn-base", c}]
		if okFn && okB {
			out = append(out, fmt.Sprintf("A/B at concurrency %d: albatross-fn %.0f successful req/s, %.0f µs CPU each (Albatross alone %.0f); albatross-fn-base %.0f, %.0f µs (%.0f): %s the requests/s, %s the Albatross CPU per request",
				c, fn.rps, fn.cpuUS, fn.ownUS, base.rps, base.cpuUS, base.ownUS,
				ratio(fn.rps, base.rps), ratio(fn.ownUS, base.ownUS)))
		}
	}
	for _, c := range cold {
		if c.system == "albatross-fn" {
			out = append(out, fmt.Sprintf("Go cold start: median %.1f ms over %d runs, %d failed (target < %d ms): %s",
				c.medianMs, c.n, c.failed, maxColdMs, verdict(c.failed == 0 && c.medianMs < maxColdMs)))
		}
	}
	return out
}
