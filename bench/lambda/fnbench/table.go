package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// parseRuns reads runs.tsv (see runsHeader); lines starting with '#' are comments.
func parseRuns(r io.Reader) ([]runRecord, error) {
	var out []runRecord
	err := eachLine(r, 11, func(f []string) error {
		var rec runRecord
		var p50, p99 int64
		var err error
		rec.system = f[0]
		for _, dst := range []struct {
			s string
			p any
		}{{f[1], &rec.conns}, {f[2], &rec.round}, {f[3], &rec.ok}, {f[4], &rec.errors},
			{f[5], &rec.seconds}, {f[6], &rec.rps}, {f[7], &p50}, {f[8], &p99}, {f[9], &rec.cpuPerReqUS}, {f[10], &rec.ownPerReqUS}} {
			if err = parseNumber(dst.s, dst.p); err != nil {
				return err
			}
		}
		rec.p50, rec.p99 = time.Duration(p50)*time.Microsecond, time.Duration(p99)*time.Microsecond
		out = append(out, rec)
		return nil
	})
	return out, err
}

// coldRecord is one line of cold.tsv (see coldHeader).
type coldRecord struct {
	system    string
	round     int
	firstByte time.Duration
	ok        bool
}

// parseCold reads cold.tsv.
func parseCold(r io.Reader) ([]coldRecord, error) {
	var out []coldRecord
	err := eachLine(r, 5, func(f []string) error {
		rec := coldRecord{system: f[0]}
		var us int64
		if err := parseNumber(f[1], &rec.round); err != nil {
			return err
		}
		if err := parseNumber(f[2], &us); err != nil {
			return err
		}
		rec.firstByte = time.Duration(us) * time.Microsecond
		rec.ok = f[4] == "true"
		out = append(out, rec)
		return nil
	})
	return out, err
}

// eachLine calls fn with the tab-separated fields of every non-comment line, which must number
// exactly n.
func eachLine(r io.Reader, n int, fn func([]string) error) error {
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != n {
			return fmt.Errorf("line %d: %d fields, want %d", line, len(f), n)
		}
		if err := fn(f); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	return sc.Err()
}

func parseNumber(s string, p any) error {
	var err error
	switch p := p.(type) {
	case *int:
		*p, err = strconv.Atoi(s)
	case *int64:
		*p, err = strconv.ParseInt(s, 10, 64)
	case *float64:
		*p, err = strconv.ParseFloat(s, 64) // accepts "NaN"
	}
	return err
}

func runTableCommand(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("table", flag.ExitOnError)
	runsFile := fs.String("runs", "", "runs.tsv `file` written by fnbench load (required)")
	coldFile := fs.String("cold", "", "cold.tsv `file` written by fnbench cold")
	_ = fs.Parse(args)
	if *runsFile == "" {
		return fmt.Errorf("-runs is required")
	}
	runs, err := readWith(*runsFile, parseRuns)
	if err != nil {
		return err
	}
	var cold []coldRecord
	if *coldFile != "" {
		if cold, err = readWith(*coldFile, parseCold); err != nil {
			return err
		}
	}
	return render(w, summarize(runs), summarizeCold(cold))
}

func readWith[T any](path string, parse func(io.Reader) ([]T, error)) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out, err := parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}
