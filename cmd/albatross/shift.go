package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// shiftStatus mirrors the API's shift status (internal/shift.Status) for printing.
type shiftStatus struct {
	Rule        string    `json:"rule"`
	Old         string    `json:"old"`
	New         string    `json:"new"`
	Steps       []int     `json:"steps"`
	Percent     int       `json:"percent"`
	Weights     [2]int    `json:"weights"`
	Interval    string    `json:"interval"`
	Step        int       `json:"step"`
	LastGood    int       `json:"last_good"`
	Status      string    `json:"status"`
	Reason      string    `json:"reason"`
	StepStarted time.Time `json:"step_started"`
	Gates       []struct {
		Name   string  `json:"name"`
		Value  float64 `json:"value"`
		Limit  float64 `json:"limit"`
		Judged bool    `json:"judged"`
		OK     bool    `json:"ok"`
	} `json:"gates"`
}

// shiftCmd prints every gated shift of a running `albatross serve --api-addr` (or the one named
// by --rule) or, given a command, pauses, resumes, advances or aborts the shift of --rule
// (docs/strangler.md). It exits 1 when the API cannot be reached or refuses.
func shiftCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("shift", flag.ContinueOnError)
	fs.SetOutput(stderr)
	apiAddr := fs.String("api-addr", "", "`HOST:PORT` of the running server's API (as given to serve --api-addr)")
	rule := fs.String("rule", "", "the rule's `name` (load balancer/port/priority, e.g. demo/8080/15); required with a command")
	creds := fs.String("api-credentials", "", "`ACCESS_KEY_ID:SECRET` or @FILE to sign requests (default $"+credentialsEnv+")")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	command := fs.Arg(0)
	if *apiAddr == "" || fs.NArg() > 1 || command != "" && *rule == "" {
		fmt.Fprintln(stderr, "usage: albatross shift --api-addr HOST:PORT [--rule NAME] [pause|resume|advance|abort]")
		return 2
	}
	c := &apiClient{base: "http://" + *apiAddr + "/", http: &http.Client{Timeout: 10 * time.Second}}
	if err := c.setCredentials(*creds); err != nil {
		fmt.Fprintln(stderr, "albatross shift:", err)
		return 2
	}
	var shifts []shiftStatus
	if command != "" {
		var one shiftStatus
		form := url.Values{"rule": {*rule}, "command": {command}}.Encode()
		if err := c.own(http.MethodPost, "/strangler/shift", form, &one); err != nil {
			fmt.Fprintln(stderr, "albatross shift:", err)
			return 1
		}
		shifts = append(shifts, one)
	} else {
		var out struct {
			Shifts []shiftStatus `json:"shifts"`
		}
		if err := c.own(http.MethodGet, "/strangler/shift", "", &out); err != nil {
			fmt.Fprintln(stderr, "albatross shift:", err)
			return 1
		}
		for _, s := range out.Shifts {
			if *rule == "" || s.Rule == *rule {
				shifts = append(shifts, s)
			}
		}
	}
	if len(shifts) == 0 {
		fmt.Fprintln(stdout, "no rule is shifted (set albatross.shift.target_group on a rule, docs/strangler.md)")
	}
	for i, s := range shifts {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		printShift(stdout, &s)
	}
	return 0
}

func printShift(w io.Writer, s *shiftStatus) {
	steps := make([]string, len(s.Steps))
	for i, p := range s.Steps {
		steps[i] = strconv.Itoa(p)
		if i == s.Step {
			steps[i] = "[" + steps[i] + "]"
		}
	}
	fmt.Fprintf(w, "rule %s: %s → %s, %s at %d%% (weights %s %d, %s %d)\n", s.Rule, s.Old, s.New, s.Status, s.Percent,
		s.Old, s.Weights[0], s.New, s.Weights[1])
	fmt.Fprintf(w, "  steps %s%%, every %s; step started %s\n", strings.Join(steps, " "), s.Interval, s.StepStarted.UTC().Format(time.RFC3339))
	fmt.Fprintf(w, "  why: %s\n", s.Reason)
	for _, g := range s.Gates {
		verdict := "holds"
		switch {
		case !g.Judged:
			verdict = "too few requests to judge"
		case !g.OK:
			verdict = "FAILED"
		}
		fmt.Fprintf(w, "  gate %s: %.4g (limit %.4g) %s\n", g.Name, g.Value, g.Limit, verdict)
	}
}
