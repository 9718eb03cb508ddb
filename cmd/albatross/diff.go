package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/reconcile"
)

// diff prints, for every shadowed rule of a running `albatross serve --api-addr` (or the one
// named by --rule), the comparison counters, the latency of both sides and the sampled
// mismatches with their diffs (docs/strangler.md). It exits 1 when the API cannot be reached or
// refuses.
func diff(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	apiAddr := fs.String("api-addr", "", "`HOST:PORT` of the running server's API (as given to serve --api-addr)")
	rule := fs.String("rule", "", "show only the rule of this `name` (load balancer/port/priority, e.g. demo/8080/15)")
	bodies := fs.Bool("bodies", false, "print both bodies of each sampled mismatch")
	asJSON := fs.Bool("json", false, "print the API's JSON as it is")
	creds := fs.String("api-credentials", "", "`ACCESS_KEY_ID:SECRET` or @FILE to sign requests (default $"+credentialsEnv+")")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *apiAddr == "" {
		fmt.Fprintln(stderr, "albatross diff: --api-addr is required")
		return 2
	}
	c := &apiClient{base: "http://" + *apiAddr + "/", http: &http.Client{Timeout: 10 * time.Second}}
	if err := c.setCredentials(*creds); err != nil {
		fmt.Fprintln(stderr, "albatross diff:", err)
		return 2
	}
	var out struct {
		Rules []reconcile.ShadowReport `json:"rules"`
	}
	path := "/strangler/diff"
	if *rule != "" {
		path += "?rule=" + url.QueryEscape(*rule)
	}
	if err := c.own(http.MethodGet, path, "", &out); err != nil {
		fmt.Fprintln(stderr, "albatross diff:", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		return 0
	}
	if len(out.Rules) == 0 {
		fmt.Fprintln(stdout, "no rule is shadowed (set albatross.shadow.target_group on a rule, docs/strangler.md)")
		return 0
	}
	for i, r := range out.Rules {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		printShadowReport(stdout, &r, *bodies)
	}
	return 0
}

// printShadowReport writes one rule's report for a person.
func printShadowReport(w io.Writer, r *reconcile.ShadowReport, bodies bool) {
	fmt.Fprintf(w, "rule %s: forward to %s, shadow %s\n", r.Rule, strings.Join(r.Primary, ", "), r.Shadow)
	fmt.Fprintf(w, "  shadowed %d  match %d  mismatch %d (status %d, header %d, body %d)  shadow error %d  shadow timeout %d\n",
		r.Shadowed, r.Match, r.Mismatch, r.MismatchByKind["status"], r.MismatchByKind["header"], r.MismatchByKind["body"],
		r.ShadowError, r.ShadowTimeout)
	fmt.Fprintf(w, "  not copied: %d (concurrency limit), %d (body too large or of unknown length); primary cut: %d\n",
		r.Skipped["busy"], r.Skipped["body_size"], r.PrimaryAborted)
	fmt.Fprintf(w, "  latency p50/p99: primary %.1f/%.1f ms over %d, shadow %.1f/%.1f ms over %d\n",
		r.PrimaryLatency.P50, r.PrimaryLatency.P99, r.PrimaryLatency.Count, r.ShadowLatency.P50, r.ShadowLatency.P99, r.ShadowLatency.Count)
	if len(r.Samples) == 0 {
		return
	}
	fmt.Fprintf(w, "  mismatches, newest first (%d kept):\n", len(r.Samples))
	for _, s := range r.Samples {
		kinds := make([]string, len(s.Kinds))
		for i, k := range s.Kinds {
			kinds[i] = string(k)
		}
		fmt.Fprintf(w, "  %s %s %s  [%s]\n", s.Time.UTC().Format(time.RFC3339), s.Method, s.URI, strings.Join(kinds, ", "))
		for _, d := range s.Diff {
			fmt.Fprintf(w, "      %s\n", d)
		}
		fmt.Fprintf(w, "    primary %d (%d bytes, %s)  shadow %d (%d bytes, %s)\n",
			s.Primary.Status, s.Primary.Size, s.Primary.Latency, s.Shadow.Status, s.Shadow.Size, s.Shadow.Latency)
		if bodies {
			fmt.Fprintf(w, "    primary body: %q\n    shadow body:  %q\n", s.Primary.Body, s.Shadow.Body)
		}
	}
}
