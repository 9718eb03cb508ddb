package explain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/albatross-lb/albatross/internal/reconcile"
)

// WriteText prints the explanation for a person: every rule in priority order with each
// condition's verdict and reason, the rule and action that run, and the event JSON of each
// Lambda target group. With indent, event JSON is indented (only whitespace changes); without
// it, the bytes are exactly those sent.
func (e *Explanation) WriteText(w io.Writer, indent bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "listener %s of load balancer %s\n", e.Listener, e.LoadBalancer)
	if e.Rejected != 0 {
		fmt.Fprintf(&b, "\nrejected by the load balancer before any rule: %d\n", e.Rejected)
		_, err := io.WriteString(w, b.String())
		return err
	}
	chosen := false
	for _, r := range e.Rules {
		verdict := "no match"
		switch {
		case r.Matched && !chosen:
			verdict, chosen = "MATCH (runs)", true
		case r.Matched:
			verdict = "match (not reached: a lower priority matched first)"
		}
		fmt.Fprintf(&b, "\nrule %d: %s\n", r.Priority, verdict)
		for _, c := range r.Conditions {
			mark := "no "
			if c.Matched {
				mark = "yes"
			}
			fmt.Fprintf(&b, "  [%s] %s: %s\n", mark, c.Field, c.Reason)
		}
	}
	if !chosen {
		b.WriteString("\ndefault rule: runs (no rule matched)\n")
	}
	if e.Authentication != nil {
		fmt.Fprintf(&b, "\nauthentication: %s\n", describeAuthAction(e.Authentication))
	}
	fmt.Fprintf(&b, "\naction: %s\n", reconcile.DescribeAction(&e.Action, e.Location))
	if e.Shadow != "" {
		fmt.Fprintf(&b, "shadow (Albatross's own): %s\n", e.Shadow)
	}
	if e.Shift != "" {
		fmt.Fprintf(&b, "shift (Albatross's own): %s\n", e.Shift)
	}
	for _, ev := range e.Events {
		fmt.Fprintf(&b, "\nevent for Lambda target group %s:\n", ev.TargetGroup)
		switch {
		case ev.Err != nil:
			fmt.Fprintf(&b, "  none: %v\n", ev.Err)
		case indent:
			var out bytes.Buffer
			_ = json.Indent(&out, ev.JSON, "", "  ")
			b.Write(out.Bytes())
			b.WriteByte('\n')
		default:
			b.Write(ev.JSON)
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
