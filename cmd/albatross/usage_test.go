package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestUsageListsEveryFlag: the usage text names every command and every flag each command's flag
// set defines (read from the command's own -h output), so it cannot fall behind the code.
func TestUsageListsEveryFlag(t *testing.T) {
	var text bytes.Buffer
	if code := run([]string{"help"}, &text, &bytes.Buffer{}); code != 0 {
		t.Fatalf("help exits %d", code)
	}
	flagName := regexp.MustCompile(`(?m)^  -(\S+)`)
	description := regexp.MustCompile(`\n      [a-z]`)
	for _, cmd := range []string{"serve", "validate", "explain", "targets", "diff", "shift", "import", "capture"} {
		section := "albatross " + cmd
		if !strings.Contains(text.String(), section) {
			t.Errorf("usage does not list %q", section)
			continue
		}
		var defaults bytes.Buffer
		run([]string{cmd, "-h"}, &bytes.Buffer{}, &defaults)
		names := flagName.FindAllStringSubmatch(defaults.String(), -1)
		if len(names) == 0 {
			t.Errorf("%s -h printed no flags:\n%s", cmd, defaults.String())
		}
		usageLine := text.String()[strings.Index(text.String(), section):]
		usageLine = usageLine[:description.FindStringIndex(usageLine)[0]] // the command's lines, not its description
		if strings.Contains(usageLine, "[IMPORT FLAGS]") {
			usageLine += text.String()[strings.Index(text.String(), "IMPORT FLAGS:"):]
		}
		for _, n := range names {
			dashes := "--"
			if len(n[1]) == 1 {
				dashes = "-"
			}
			if !strings.Contains(usageLine, "["+dashes+n[1]) && !strings.Contains(usageLine, " "+dashes+n[1]+" ") {
				t.Errorf("usage of %s does not list %s%s", cmd, dashes, n[1])
			}
		}
	}
}
