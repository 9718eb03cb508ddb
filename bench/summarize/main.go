// Command summarize turns the benchmark's raw runs (wrk reports plus CPU ticks of the proxy and
// backend processes) into the markdown table of bench/RESULTS.md: the median of each measure per
// system, and whether the subject met its targets.
//
//	summarize --runs DIR/runs.tsv [--clk-tck 100] [--subject albatross] [--baseline nginx]
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	runsPath := flag.String("runs", "", "tab-separated run list written by bench/run.sh")
	clkTck := flag.Int("clk-tck", 100, "clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK)")
	var t targets
	flag.StringVar(&t.Subject, "subject", "albatross", "system whose targets are checked")
	flag.StringVar(&t.Baseline, "baseline", "nginx", "system the requests/s ratio is taken against")
	flag.Float64Var(&t.MaxCPU, "max-cpu-us", 80, "target: most CPU µs per request of the subject's proxy")
	flag.Float64Var(&t.MinRatio, "min-ratio", 0.6, "target: least requests/s of the subject over the baseline")
	flag.Float64Var(&t.ReferenceCPU, "reference-cpu-us", 38, "the baseline's CPU µs per request on the machine where --max-cpu-us was set (0: skip the relative check)")
	flag.Parse()
	if *runsPath == "" || *clkTck <= 0 {
		fmt.Fprintln(os.Stderr, "summarize: --runs is required and --clk-tck must be positive")
		os.Exit(2)
	}
	runs, err := readRuns(*runsPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "summarize:", err)
		os.Exit(1)
	}
	writeMarkdown(os.Stdout, summarize(runs, *clkTck), t)
	// The candidate (bench/run.sh --candidate) against the tree's own build, then the subject
	// against the baseline: each pair ran in the same rounds.
	for _, p := range [][2]string{{"candidate", t.Subject}, {t.Subject, t.Baseline}} {
		if c, ok := pair(runs, p[0], p[1], *clkTck); ok {
			fmt.Println()
			fmt.Println(c)
		}
	}
}
