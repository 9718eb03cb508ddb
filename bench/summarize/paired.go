package main

import (
	"fmt"
	"slices"
)

// paired compares system a with system b round by round: the two ran within seconds of each
// other in the same round, so their ratio is spared the minutes-long swings of a shared machine
// that move both alike, which the medians of each system (summarize) are not.
type paired struct {
	A, B   string
	Rounds int
	// RPS and CPU are the medians of a's requests/s and CPU per request over b's, per round;
	// CPU is -1 when either proxy's CPU was not measured.
	RPS, CPU float64
	// Ahead counts the rounds in which a answered more requests per second than b.
	Ahead int
}

// pair returns the comparison of a with b over the rounds in which both ran, and false when
// there is no such round.
func pair(runs []run, a, b string, clkTck int) (paired, bool) {
	type both struct{ a, b *run }
	byRound := map[int]*both{}
	for i := range runs {
		r := &runs[i]
		p := byRound[r.Round]
		if p == nil {
			p = &both{}
			byRound[r.Round] = p
		}
		switch r.System {
		case a:
			p.a = r
		case b:
			p.b = r
		}
	}
	rounds := make([]int, 0, len(byRound))
	for n := range byRound {
		rounds = append(rounds, n)
	}
	slices.Sort(rounds)
	out := paired{A: a, B: b}
	var rps, cpu []float64
	for _, n := range rounds {
		p := byRound[n]
		if p.a == nil || p.b == nil || p.a.Wrk.RPS <= 0 || p.b.Wrk.RPS <= 0 {
			continue
		}
		out.Rounds++
		rps = append(rps, p.a.Wrk.RPS/p.b.Wrk.RPS)
		if p.a.Wrk.RPS > p.b.Wrk.RPS {
			out.Ahead++
		}
		ca, cb := p.a.cpuPerRequest(p.a.ProxyTicks, clkTck), p.b.cpuPerRequest(p.b.ProxyTicks, clkTck)
		if ca < 0 || cb <= 0 {
			cpu = append(cpu, -1)
		} else {
			cpu = append(cpu, ca/cb)
		}
	}
	if out.Rounds == 0 {
		return paired{}, false
	}
	out.RPS, out.CPU = median(rps), median(cpu)
	return out, true
}

// String is the comparison as one line of the results.
func (p paired) String() string {
	cpu := "not measured"
	if p.CPU >= 0 {
		cpu = fmt.Sprintf("%.3f×", p.CPU)
	}
	return fmt.Sprintf("Paired rounds (%s ÷ %s in the same round, median of %d): requests/s %.3f× (ahead in %d of %d), CPU/request %s.",
		p.A, p.B, p.Rounds, p.RPS, p.Ahead, p.Rounds, cpu)
}
