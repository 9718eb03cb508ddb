package main

import "fmt"

// The issue's targets for a warm Go function behind Albatross.
const (
	// maxOverheadMs is the most the function may add over variant (a) at p50.
	maxOverheadMs = 0.2
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
		out = append(out, fmt.Sprintf("concurrency 1: %.0f successful req/s vs the emulator's %.0f (target ≥ 1×): %s",
			fn1.rps, rie1.rps, verdict(fn1.rps >= rie1.rps && fn1.errors == 0)))
	}
	fn10, ok10 := rows[key{"albatross-fn", 10}]
	multi, okM := rows[key{"rie-multi", 10}]
	if ok10 && okM {
		out = append(out, fmt.Sprintf("concurrency 10: %.0f successful req/s with %d errors vs the emulator's multi-worker %.0f (target ≥ %d× = %.0f, no errors): %s",
			fn10.rps, fn10.errors, multi.rps, minMultiWorkerFactor, minMultiWorkerFactor*multi.rps,
			verdict(fn10.errors == 0 && fn10.rps >= minMultiWorkerFactor*multi.rps)))
	}
	if ok10 {
		out = append(out, fmt.Sprintf("concurrency 10 against the issue's own emulator figure (%d× %d = %d req/s, no errors): %s",
			minMultiWorkerFactor, issueMultiWorkerRPS, minMultiWorkerFactor*issueMultiWorkerRPS,
			verdict(fn10.errors == 0 && fn10.rps >= minMultiWorkerFactor*issueMultiWorkerRPS)))
	}
	for _, c := range cold {
		if c.system == "albatross-fn" {
			out = append(out, fmt.Sprintf("Go cold start: median %.1f ms over %d runs, %d failed (target < %d ms): %s",
				c.medianMs, c.n, c.failed, maxColdMs, verdict(c.failed == 0 && c.medianMs < maxColdMs)))
		}
	}
	return out
}
