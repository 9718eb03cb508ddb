// Package forwarded computes the headers the load balancer adds or rewrites on the way to a
// target (§6): X-Forwarded-For/-Proto/-Port, X-Amzn-Trace-Id and Host. The listener calls it once
// per request; HTTP targets receive the results as request headers and Lambda targets in the
// event, so both see the same values. Everything here is pure and safe for concurrent use.
package forwarded

import "fmt"

// Mode is routing.http.xff_header_processing.mode (XFF-01).
type Mode int

// The XFF processing modes. The zero value is Append, the ALB default.
const (
	// Append adds the client address after the incoming list.
	Append Mode = iota
	// Preserve forwards the incoming header unchanged, absent stays absent.
	Preserve
	// Remove drops the header.
	Remove
)

// ParseMode reads the attribute value ("append", "preserve", "remove"; exact lowercase, as the
// ELBv2 API accepts them). The empty string is the default, Append.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "", "append":
		return Append, nil
	case "preserve":
		return Preserve, nil
	case "remove":
		return Remove, nil
	}
	return Append, fmt.Errorf("routing.http.xff_header_processing.mode: %q is not one of append, preserve, remove", s)
}

// String returns the attribute value of m.
func (m Mode) String() string {
	switch m {
	case Append:
		return "append"
	case Preserve:
		return "preserve"
	case Remove:
		return "remove"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}
