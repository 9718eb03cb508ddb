package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"time"
)

// readyPoll is the pause between readiness probes: short, because the probes run while the
// server starts and the cold request should follow readiness closely.
const readyPoll = 2 * time.Millisecond

// awaitReady waits until the server is ready, for at most limit: readyURL answers 200 with a GET,
// or (readyURL empty) readyTCP accepts a connection. Neither may invoke the function: the
// request after it must find no warm environment.
func awaitReady(ctx context.Context, client *http.Client, readyURL, readyTCP string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		if probe(ctx, client, readyURL, readyTCP) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready within %v (%s%s)", limit, readyURL, readyTCP)
		case <-time.After(readyPoll):
		}
	}
}

func probe(ctx context.Context, client *http.Client, readyURL, readyTCP string) bool {
	if readyURL == "" {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", readyTCP)
		if err != nil {
			return false
		}
		_ = conn.Close()
		return true
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, readyURL, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// coldResult is one cold request: from the request being written to the answer's first byte
// (the server's share; the client's connect time is excluded), and to its last byte.
type coldResult struct {
	firstByte, total time.Duration
	ok               bool
	why              string
}

// coldRequest sends one request and times it with httptrace.
func coldRequest(ctx context.Context, client *http.Client, t target) (coldResult, error) {
	var wrote, first time.Time
	trace := &httptrace.ClientTrace{
		WroteRequest:         func(httptrace.WroteRequestInfo) { wrote = time.Now() },
		GotFirstResponseByte: func() { first = time.Now() },
	}
	var buf bytes.Buffer
	status, err := t.exchange(httptrace.WithClientTrace(ctx, trace), client, &buf)
	done := time.Now()
	if err != nil {
		return coldResult{}, err
	}
	if wrote.IsZero() || first.IsZero() {
		return coldResult{}, fmt.Errorf("no timing from the client trace")
	}
	ok, why := t.judge(status, buf.Bytes())
	return coldResult{firstByte: first.Sub(wrote), total: done.Sub(wrote), ok: ok, why: why}, nil
}

// coldHeader is the header line of cold.tsv.
const coldHeader = "# system\tround\tfirst_byte_us\ttotal_us\tok"

func runColdCommand(args []string) error {
	fs := flag.NewFlagSet("cold", flag.ExitOnError)
	system := fs.String("system", "", "`name` of the system measured, for the table (required)")
	readyURL := fs.String("ready", "", "`URL` that answers 200 once the server is ready, without invoking the function")
	readyTCP := fs.String("ready-tcp", "", "`host:port` that accepts connections once the server is ready (when there is no ready URL)")
	limit := fs.Duration("ready-timeout", 30*time.Second, "longest wait for readiness")
	round := fs.Int("round", 1, "round `number`, for the table")
	resolve := targetFlags(fs)
	_ = fs.Parse(args)
	t, err := resolve()
	if err != nil {
		return err
	}
	if *system == "" || (*readyURL == "") == (*readyTCP == "") {
		return fmt.Errorf("-system and exactly one of -ready and -ready-tcp are required")
	}
	client := newClient(1)
	ctx := context.Background()
	if err := awaitReady(ctx, client, *readyURL, *readyTCP, *limit); err != nil {
		return err
	}
	r, err := coldRequest(ctx, client, t)
	if err != nil {
		return err
	}
	if !r.ok {
		fmt.Fprintf(os.Stderr, "[fnbench] %s cold: unsuccessful: %s\n", *system, r.why)
	}
	return r.write(os.Stdout, *system, *round)
}

// write prints r as one line of cold.tsv.
func (r coldResult) write(w io.Writer, system string, round int) error {
	_, err := fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%t\n", system, round, r.firstByte.Microseconds(), r.total.Microseconds(), r.ok)
	return err
}
