package lambdart

import (
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		in, runtime       string
		warn, unavailable bool
	}{
		{"nodejs20.x", "nodejs20.x", false, false},
		{"provided.al2023", "provided.al2023", false, false},
		{"nodejs14.x", "nodejs18.x", true, false},
		{"nodejs", "nodejs18.x", true, false},
		{"nodejs24.x", "nodejs22.x", true, false},
		{"python2.7", "python3.9", true, false},
		{"python3.8", "python3.9", true, false},
		{"python3.14", "python3.13", true, false},
		{"dotnetcore2.1", "dotnetcore2.1", false, true},
		{"dotnet8", "dotnet8", false, true},
		{"java21", "java21", false, true},
		{"ruby3.3", "ruby3.3", false, true},
		{"go1.x", "go1.x", false, true},
	}
	for _, tt := range tests {
		c := Resolve(tt.in)
		if c.Runtime != tt.runtime || (c.Warning != "") != tt.warn || (c.Unavailable != "") != tt.unavailable {
			t.Errorf("Resolve(%q) = %+v", tt.in, c)
		}
	}
	if c := Resolve("dotnetcore2.1"); !strings.Contains(c.Unavailable, "no dotnet runtime") {
		t.Errorf("unavailable reason = %q", c.Unavailable)
	}
}
