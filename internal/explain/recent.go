package explain

import (
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/reconcile"
)

// Recent explains a request the dashboard saw (reconcile.Options.ExplainRecent): the rule that
// runs for it in one line, and the explain text without the Lambda events (the dashboard shows
// the event actually sent instead).
func Recent(cfg *config.Config, method, url, sourceIP string, headers []string) (rule, text string, err error) {
	in := Input{Method: method, URL: url, SourceIP: sourceIP, Headers: headers}
	req, port, err := in.Request()
	if err != nil {
		return "", "", err
	}
	ex, err := Explain(cfg, req, port)
	if err != nil {
		return "", "", err
	}
	ex.Events = nil
	var b strings.Builder
	if err := ex.WriteText(&b, true); err != nil {
		return "", "", err
	}
	return ruleDescription(ex), b.String(), nil
}

// ruleDescription names the rule that runs for ex.
func ruleDescription(ex *Explanation) string {
	if ex.Rejected != 0 {
		return "rejected before routing: " + strconv.Itoa(ex.Rejected)
	}
	if ex.Priority == 0 {
		return "default rule → " + reconcile.DescribeAction(&ex.Action, ex.Location)
	}
	return "rule " + strconv.Itoa(ex.Priority) + " → " + reconcile.DescribeAction(&ex.Action, ex.Location)
}
