// Package lambdart decides how Albatross runs an imported function's Lambda runtime: as is when
// Albatross supports it, on the closest supported version of its family when it is deprecated
// (or newer than Albatross knows), and not at all when Albatross has no runtime of that family
// (.NET, Java, Ruby, go1.x) or the function is a container image.
package lambdart

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
)

// Choice is what to run for a requested runtime.
type Choice struct {
	// Runtime is the runtime Albatross runs; the requested one when Unavailable is set.
	Runtime string
	// Warning is set when Runtime differs from the requested runtime.
	Warning string
	// Unavailable is set when Albatross cannot run the function at all: it says why.
	Unavailable string
}

var versioned = regexp.MustCompile(`^(nodejs|python)(\d+(?:\.\d+)?)(?:\.x)?$`)

// Resolve chooses the runtime for name (e.g. "nodejs14.x", "dotnetcore2.1").
func Resolve(name string) Choice {
	if _, ok := config.LookupRuntime(name); ok {
		return Choice{Runtime: name}
	}
	if name == "nodejs" {
		name = "nodejs0.10"
	}
	if m := versioned.FindStringSubmatch(name); m != nil {
		if best := closest(m[1], version(m[2])); best != "" {
			return Choice{Runtime: best, Warning: fmt.Sprintf("runtime %s is not supported here: runs on %s, the closest supported %s version", name, best, m[1])}
		}
	}
	family := "this"
	for _, f := range []string{"dotnet", "java", "ruby", "go", "nodejs", "python", "provided"} {
		if strings.HasPrefix(name, f) {
			family = f
			break
		}
	}
	return Choice{Runtime: name, Unavailable: fmt.Sprintf("Albatross has no %s runtime (%s)", family, name)}
}

// Image is the choice for a container-image function.
func Image(uri string) Choice {
	return Choice{Unavailable: fmt.Sprintf("container image functions do not run in Albatross (%s)", uri)}
}

// version turns "3.8" into 3008 and "18" into 18000, so that versions compare as numbers.
func version(s string) int {
	major, minor, _ := strings.Cut(s, ".")
	a, _ := strconv.Atoi(major)
	b, _ := strconv.Atoi(minor)
	return a*1000 + b
}

// closest is the supported runtime of family nearest to v (the newer one on a tie).
func closest(family string, v int) string {
	best, bestDist := "", -1
	for _, rt := range config.Runtimes {
		if rt.Family != family {
			continue
		}
		m := versioned.FindStringSubmatch(rt.Name)
		if m == nil {
			continue
		}
		d := version(m[2]) - v
		if d < 0 {
			d = -d
		}
		if bestDist < 0 || d <= bestDist {
			best, bestDist = rt.Name, d
		}
	}
	return best
}
