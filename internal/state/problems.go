package state

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
)

// InvalidError is returned when a change would make the configuration invalid. Problems are
// config.Validate's, with paths into the merged configuration; Error names the resources
// instead, since API users never see that configuration.
type InvalidError struct {
	Problems config.Problems
	merged   *config.Config
}

// Error returns every problem, separated by "; ", each located by resource names, e.g.
// `load balancer "web", listener 8080, rule 10: conditions[0].field: ...`.
func (e *InvalidError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = locate(e.merged, p.Path) + p.Message
	}
	return strings.Join(msgs, "; ")
}

// Unwrap returns the config.Problems, so errors.As finds them as it does for a file's problems.
func (e *InvalidError) Unwrap() error { return e.Problems }

var (
	lbPathRe   = regexp.MustCompile(`^load_balancers\[(\d+)\](?:\.listeners\[(\d+)\](?:\.rules\[(\d+)\])?)?\.?`)
	namedRe    = regexp.MustCompile(`^(target_groups|functions)\[(\d+)\]\.?`)
	sectionFmt = map[string]string{"target_groups": "target group %q", "functions": "function %q"}
)

// locate renders a problem path with resource names: "load_balancers[1].listeners[0].port"
// becomes `load balancer "web", listener 8080: port: `.
func locate(cfg *config.Config, path string) string {
	if cfg == nil || path == "" {
		return prefix(path)
	}
	if m := lbPathRe.FindStringSubmatch(path); m != nil {
		return locateLB(cfg, m, path[len(m[0]):])
	}
	if m := namedRe.FindStringSubmatch(path); m != nil {
		i, _ := strconv.Atoi(m[2])
		name := ""
		switch {
		case m[1] == "target_groups" && i < len(cfg.TargetGroups):
			name = cfg.TargetGroups[i].Name
		case m[1] == "functions" && i < len(cfg.Functions):
			name = cfg.Functions[i].FunctionName
		default:
			return prefix(path)
		}
		return fmt.Sprintf(sectionFmt[m[1]], name) + ": " + prefix(path[len(m[0]):])
	}
	return prefix(path)
}

func locateLB(cfg *config.Config, m []string, rest string) string {
	i, _ := strconv.Atoi(m[1])
	if i >= len(cfg.LoadBalancers) {
		return prefix(m[0] + rest)
	}
	lb := &cfg.LoadBalancers[i]
	where := fmt.Sprintf("load balancer %q", lb.Name)
	if m[2] != "" {
		j, _ := strconv.Atoi(m[2])
		if j < len(lb.Listeners) {
			l := &lb.Listeners[j]
			where += fmt.Sprintf(", listener %d", l.Port)
			if k, err := strconv.Atoi(m[3]); err == nil && k < len(l.Rules) {
				where += fmt.Sprintf(", rule %d", l.Rules[k].Priority)
			}
		}
	}
	return where + ": " + prefix(rest)
}

func prefix(path string) string {
	if path == "" {
		return ""
	}
	return path + ": "
}
