package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

// errorBackoff is how long a connection waits after a transport error before its next request,
// so that a crashed server is not hammered in a tight loop (its errors still count).
const errorBackoff = 10 * time.Millisecond

// loadResult is what one load run observed.
type loadResult struct {
	ok, errors int
	elapsed    time.Duration
	// latencies of the successful answers, sorted.
	latencies []time.Duration
	// firstError describes the first unsuccessful answer, for the log.
	firstError string
}

// worker is one connection's share of a run.
type worker struct {
	latencies  []time.Duration
	errors     int
	firstError string
}

// generate keeps conns requests in flight until d has passed: each connection sends its next
// request as soon as the previous answer is read (a closed loop, like wrk). Requests started
// before the deadline are completed and counted; elapsed runs until the last one is read.
func generate(ctx context.Context, t target, client *http.Client, conns int, d time.Duration) loadResult {
	workers := make([]worker, conns)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { workers[i].run(ctx, t, client, deadline) })
	}
	wg.Wait()
	res := loadResult{elapsed: time.Since(start)}
	for _, w := range workers {
		res.latencies = append(res.latencies, w.latencies...)
		res.errors += w.errors
		if res.firstError == "" {
			res.firstError = w.firstError
		}
	}
	res.ok = len(res.latencies)
	slices.Sort(res.latencies)
	return res
}

// run is one connection's closed loop.
func (w *worker) run(ctx context.Context, t target, client *http.Client, deadline time.Time) {
	w.latencies = make([]time.Duration, 0, 1<<14)
	var buf bytes.Buffer
	for ctx.Err() == nil && time.Now().Before(deadline) {
		began := time.Now()
		status, err := t.exchange(ctx, client, &buf)
		took := time.Since(began)
		if err != nil {
			w.fail(err.Error())
			time.Sleep(errorBackoff)
			continue
		}
		if ok, why := t.judge(status, buf.Bytes()); !ok {
			w.fail(why)
			continue
		}
		w.latencies = append(w.latencies, took)
	}
}

func (w *worker) fail(why string) {
	w.errors++
	if w.firstError == "" {
		w.firstError = why
	}
}

// runRecord is one line of runs.tsv.
type runRecord struct {
	system      string
	conns       int
	round       int
	ok, errors  int
	seconds     float64
	rps         float64
	p50, p99    time.Duration
	cpuPerReqUS float64 // NaN when no PIDs were given or nothing succeeded
	// ownPerReqUS is the share of the listed processes alone, without their descendants.
	ownPerReqUS float64
}

// runsHeader is the header line of runs.tsv.
const runsHeader = "# system\tconc\tround\tok\terrors\tseconds\tok_per_s\tp50_us\tp99_us\tcpu_us_per_ok\tserver_cpu_us_per_ok"

// record turns a result and the CPU ticks the serving processes used during it into a line.
func record(system string, conns, round int, res loadResult, used ticks, clkTck int, havePIDs bool) runRecord {
	r := runRecord{
		system: system, conns: conns, round: round, ok: res.ok, errors: res.errors,
		seconds: res.elapsed.Seconds(),
		p50:     percentile(res.latencies, 50), p99: percentile(res.latencies, 99),
		cpuPerReqUS: nan(), ownPerReqUS: nan(),
	}
	if r.seconds > 0 {
		r.rps = float64(res.ok) / r.seconds
	}
	if havePIDs && res.ok > 0 {
		perReq := 1e6 / float64(clkTck) / float64(res.ok)
		r.cpuPerReqUS = float64(used.all) * perReq
		r.ownPerReqUS = float64(used.own) * perReq
	}
	return r
}

func (r runRecord) write(w io.Writer) error {
	_, err := fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%.3f\t%.1f\t%d\t%d\t%.1f\t%.1f\n", r.system, r.conns, r.round,
		r.ok, r.errors, r.seconds, r.rps, r.p50.Microseconds(), r.p99.Microseconds(), r.cpuPerReqUS, r.ownPerReqUS)
	return err
}

func runLoadCommand(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	system := fs.String("system", "", "`name` of the system measured, for the table (required)")
	conns := fs.Int("c", 1, "concurrent keep-alive `connections` (1..256)")
	d := fs.Duration("d", 8*time.Second, "measured `duration`")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured warm-up before it")
	pids := fs.String("pids", "", "comma-separated `PIDs` whose CPU time (with all descendants') is charged to the requests")
	round := fs.Int("round", 1, "round `number`, for the table")
	clkTck := fs.Int("clk-tck", 100, "clock `ticks` per second of /proc/PID/stat (getconf CLK_TCK)")
	resolve := targetFlags(fs)
	_ = fs.Parse(args)
	t, err := resolve()
	if err != nil {
		return err
	}
	roots, err := parsePIDs(*pids)
	if err != nil {
		return err
	}
	if *system == "" || *conns < 1 || *conns > 256 || *d <= 0 || *d > time.Minute || *clkTck <= 0 {
		return fmt.Errorf("-system is required; -c 1..256; -d up to 1m")
	}
	client := newClient(*conns)
	ctx := context.Background()
	if *warmup > 0 {
		generate(ctx, t, client, *conns, *warmup)
	}
	before, err := cpuTicks(roots)
	if err != nil {
		return err
	}
	res := generate(ctx, t, client, *conns, *d)
	after, err := cpuTicks(roots)
	if err != nil {
		return err
	}
	r := record(*system, *conns, *round, res, after.minus(before), *clkTck, len(roots) > 0)
	fmt.Fprintf(os.Stderr, "[fnbench] %s c=%d: %d ok (%.0f/s), %d errors, p50 %v, p99 %v, %.0f µs CPU/ok (%.0f in the server alone)\n",
		r.system, r.conns, r.ok, r.rps, r.errors, r.p50, r.p99, r.cpuPerReqUS, r.ownPerReqUS)
	if res.firstError != "" {
		fmt.Fprintf(os.Stderr, "[fnbench] %s c=%d: first error: %s\n", r.system, r.conns, res.firstError)
	}
	return r.write(os.Stdout)
}
