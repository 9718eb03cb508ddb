package main

import (
	"cmp"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
)

// buildInfo is what a binary knows about itself, from the build information Go embeds
// (module version, and VCS stamps when built inside a repository with -buildvcs, the default).
type buildInfo struct {
	Version   string // module version: v1.2.3 from `go install …@v1.2.3`, "(devel)" from a checkout
	Revision  string // vcs.revision; "" when the build carries no VCS stamp
	Time      string // vcs.time, RFC 3339
	Modified  bool   // vcs.modified: the tree had uncommitted changes
	GoVersion string
}

// readBuildInfo reads the running binary's build information. A binary without it (never the
// case for `go build` output) reports "unknown".
func readBuildInfo() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return buildInfo{Version: "unknown", GoVersion: "unknown"}
	}
	return buildInfoFrom(bi)
}

func buildInfoFrom(bi *debug.BuildInfo) buildInfo {
	info := buildInfo{Version: cmp.Or(bi.Main.Version, "(devel)"), GoVersion: bi.GoVersion}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified, _ = strconv.ParseBool(s.Value)
		}
	}
	return info
}

// String is the one line `albatross version` prints.
func (b buildInfo) String() string {
	s := "albatross " + b.Version
	if b.Revision != "" {
		s += " revision " + b.Revision
		if b.Time != "" {
			s += " (" + b.Time + ")"
		}
		if b.Modified {
			s += " modified"
		}
	}
	return s + " " + b.GoVersion
}

// logAttrs are the build fields as slog key/value pairs, for the start-up log line.
func (b buildInfo) logAttrs() []any {
	return []any{"version", b.Version, "revision", b.Revision, "vcs_time", b.Time, "modified", b.Modified, "go", b.GoVersion}
}

func version(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "albatross version: takes no arguments")
		return 2
	}
	fmt.Fprintln(stdout, readBuildInfo())
	return 0
}
