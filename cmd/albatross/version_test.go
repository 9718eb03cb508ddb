package main

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestBuildInfoFrom(t *testing.T) {
	t.Parallel()
	stamped := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.3.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "99d3245aa"}, {Key: "vcs.time", Value: "2026-12-07T06:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	testCases := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"go install @version", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.3.0"}}, "albatross v0.3.0 go1.26.8"},
		{"checkout with VCS stamp", stamped, "albatross v0.3.0 revision 99d3245aa (2026-12-07T06:00:00Z) modified go1.26.8"},
		{"no module version", &debug.BuildInfo{GoVersion: "go1.26.8"}, "albatross (devel) go1.26.8"},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := buildInfoFrom(tc.bi).String(); got != tc.want {
				t.Errorf("got %q; want %q", got, tc.want)
			}
		})
	}
}

// TestVersionCommand: both spellings print the binary's own build, the Go version last.
func TestVersionCommand(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"version", "--version"} {
		var stdout, stderr bytes.Buffer
		if code := run([]string{arg}, &stdout, &stderr); code != 0 {
			t.Fatalf("%s: exit %d, stderr %q", arg, code, stderr.String())
		}
		out := strings.TrimSpace(stdout.String())
		if !strings.HasPrefix(out, "albatross ") || !strings.HasSuffix(out, runtime.Version()) {
			t.Errorf("%s printed %q", arg, out)
		}
	}
}
