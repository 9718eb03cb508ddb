package terraform

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/hashicorp/hcl/v2"
)

// problems collects every problem of a load, each located as "file:line:column resource.path",
// and renders them as config.Problems so that every format reports errors the same way.
type problems struct {
	root string // file names are shown relative to this folder
	list config.Problems
	seen map[string]bool
}

// add records a problem at rng; where is the resource path ("aws_lb.main.name").
func (ps *problems) add(rng hcl.Range, where, format string, args ...any) {
	loc := ps.location(rng)
	if where != "" {
		loc = strings.TrimSpace(loc + " " + where)
	}
	p := config.Problem{Path: loc, Message: fmt.Sprintf(format, args...)}
	if ps.seen == nil {
		ps.seen = map[string]bool{}
	}
	if ps.seen[p.String()] {
		return // one expression evaluated for several instances reports once
	}
	ps.seen[p.String()] = true
	ps.list = append(ps.list, p)
}

// addDiags records every error diagnostic.
func (ps *problems) addDiags(diags hcl.Diagnostics, where string) {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		rng := hcl.Range{}
		if d.Subject != nil {
			rng = *d.Subject
		}
		ps.add(rng, where, "%s", msg)
	}
}

func (ps *problems) location(rng hcl.Range) string {
	if rng.Filename == "" {
		return ""
	}
	name := rng.Filename
	if rel, err := filepath.Rel(ps.root, name); err == nil && !strings.HasPrefix(rel, "..") {
		name = rel
	}
	if rng.Start.Line == 0 {
		return name
	}
	return fmt.Sprintf("%s:%d:%d", name, rng.Start.Line, rng.Start.Column)
}

// pos renders a range as file:line:column for "also at" notes.
func pos(rng hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", filepath.Base(rng.Filename), rng.Start.Line, rng.Start.Column)
}
