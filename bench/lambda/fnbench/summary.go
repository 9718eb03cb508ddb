package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// row is one system at one concurrency: medians over the rounds, errors summed.
type row struct {
	system            string
	conns, rounds     int
	rps, p50Ms, p99Ms float64
	cpuUS, ownUS      float64
	ok, errors        int
}

// key names a row.
type key struct {
	system string
	conns  int
}

// systemOrder is the order of the table: the floor first, then the compared systems.
var systemOrder = []string{"direct-http", "albatross-http", "albatross-fn", "albatross-fn-base", "rie", "rie-multi"}

func orderOf(system string) int {
	if i := slices.Index(systemOrder, system); i >= 0 {
		return i
	}
	return len(systemOrder)
}

// summarize groups runs by system and concurrency.
func summarize(runs []runRecord) map[key]row {
	groups := make(map[key][]runRecord)
	for _, r := range runs {
		k := key{r.system, r.conns}
		groups[k] = append(groups[k], r)
	}
	rows := make(map[key]row, len(groups))
	for k, rs := range groups {
		var rps, p50, p99, cpu, own []float64
		out := row{system: k.system, conns: k.conns, rounds: len(rs)}
		for _, r := range rs {
			rps = append(rps, r.rps)
			if r.ok > 0 { // a run without successes has no latencies to report
				p50 = append(p50, ms(r.p50))
				p99 = append(p99, ms(r.p99))
			}
			if !math.IsNaN(r.cpuPerReqUS) {
				cpu = append(cpu, r.cpuPerReqUS)
				own = append(own, r.ownPerReqUS)
			}
			out.ok += r.ok
			out.errors += r.errors
		}
		out.rps, out.p50Ms, out.p99Ms, out.cpuUS, out.ownUS = median(rps), median(p50), median(p99), median(cpu), median(own)
		rows[k] = out
	}
	return rows
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// coldRow is one system's cold starts.
type coldRow struct {
	system                 string
	n, failed              int
	medianMs, minMs, maxMs float64
}

func summarizeCold(cold []coldRecord) []coldRow {
	groups := make(map[string][]float64)
	failed := make(map[string]int)
	for _, c := range cold {
		if !c.ok {
			failed[c.system]++
			continue
		}
		groups[c.system] = append(groups[c.system], ms(c.firstByte))
	}
	var out []coldRow
	for sys, v := range groups {
		out = append(out, coldRow{system: sys, n: len(v), failed: failed[sys], medianMs: median(v),
			minMs: slices.Min(v), maxMs: slices.Max(v)})
	}
	for sys, n := range failed {
		if _, ok := groups[sys]; !ok {
			out = append(out, coldRow{system: sys, failed: n, medianMs: nan(), minMs: nan(), maxMs: nan()})
		}
	}
	slices.SortFunc(out, func(a, b coldRow) int { return cmp.Compare(orderOf(a.system), orderOf(b.system)) })
	return out
}

// render writes the tables and the targets of the issue, checked.
func render(w io.Writer, rows map[key]row, cold []coldRow) error {
	keys := make([]key, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.conns, b.conns), cmp.Compare(orderOf(a.system), orderOf(b.system)), cmp.Compare(a.system, b.system))
	})
	p := &printer{w: w}
	p.line("| system | concurrency | successful req/s | errors | p50 ms | p99 ms | CPU µs per successful request | of which the server alone | rounds |")
	p.line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, k := range keys {
		r := rows[k]
		p.line("| %s | %d | %.0f | %d | %s | %s | %s | %s | %d |", r.system, r.conns, r.rps, r.errors,
			orDash(r.p50Ms, "%.3f"), orDash(r.p99Ms, "%.3f"), orDash(r.cpuUS, "%.0f"), orDash(r.ownUS, "%.0f"), r.rounds)
	}
	if len(cold) > 0 {
		p.line("")
		p.line("| cold start (request written → first byte) | median ms | min ms | max ms | runs | failed |")
		p.line("| --- | ---: | ---: | ---: | ---: | ---: |")
		for _, c := range cold {
			p.line("| %s | %s | %s | %s | %d | %d |", c.system, orDash(c.medianMs, "%.1f"), orDash(c.minMs, "%.1f"), orDash(c.maxMs, "%.1f"), c.n, c.failed)
		}
	}
	p.line("")
	for _, t := range checkTargets(rows, cold) {
		p.line("- %s", t)
	}
	return p.err
}

func orDash(v float64, format string) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

// printer writes lines and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}
