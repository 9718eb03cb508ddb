package reconcile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/config"
)

// RoutingAction is the action of acts that runs: the last by order (ACT-01; Validate guarantees
// exactly one routing action; authentication actions run before it).
func RoutingAction(acts []config.Action) config.Action {
	var last config.Action
	found := false
	for _, a := range acts {
		if config.IsAuthAction(a.Type) {
			continue
		}
		if !found || a.Order > last.Order {
			last, found = a, true
		}
	}
	return last
}

// Redirect is the redirect action c configures; serverHeader adds "Server: awselb/2.0".
func Redirect(c *config.RedirectConfig, serverHeader bool) *action.Redirect {
	return action.NewRedirect(action.RedirectConfig{
		Protocol: c.Protocol, Port: c.Port, Host: c.Host, Path: c.Path, Query: c.Query,
		Permanent: c.StatusCode == "HTTP_301",
	}, serverHeader)
}

// DescribeAction words a routing action in one line, for the dashboard and explain; location is
// a redirect's target.
func DescribeAction(a *config.Action, location string) string {
	switch a.Type {
	case config.ActionRedirect:
		code := "302"
		if a.RedirectConfig != nil && a.RedirectConfig.StatusCode == "HTTP_301" {
			code = "301"
		}
		return "redirect " + code + " to " + location
	case config.ActionFixedResponse:
		c := a.FixedResponseConfig
		if c == nil {
			return "fixed-response"
		}
		return fmt.Sprintf("fixed-response %s content-type %q body %q", c.StatusCode, c.ContentType, c.MessageBody)
	}
	if a.ForwardConfig == nil {
		return "forward to target group " + a.TargetGroupName + a.TargetGroupARN
	}
	parts := make([]string, 0, len(a.ForwardConfig.TargetGroups))
	for _, t := range a.ForwardConfig.TargetGroups {
		weight := "1"
		if t.Weight != nil {
			weight = strconv.Itoa(*t.Weight)
		}
		parts = append(parts, t.TargetGroupName+t.TargetGroupARN+" (weight "+weight+")")
	}
	return "forward to target groups " + strings.Join(parts, ", ")
}
