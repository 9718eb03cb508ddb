package wire

import "fmt"

// Mode is routing.http.desync_mitigation_mode. Its values match router.DesyncMode; the zero
// value is defensive, the default.
type Mode uint8

// Desync mitigation modes (DSY-01).
const (
	Defensive Mode = iota
	Monitor
	Strictest
)

// ParseMode reads the attribute value; "" is the default, defensive.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "", "defensive":
		return Defensive, nil
	case "monitor":
		return Monitor, nil
	case "strictest":
		return Strictest, nil
	}
	return 0, fmt.Errorf("routing.http.desync_mitigation_mode: unknown mode %q (want monitor, defensive or strictest)", s)
}

// Action is what the connection loop does with a parsed request.
type Action struct {
	// Block: answer 400 (the ALB page) and close the client connection; nothing is forwarded.
	Block bool
	// CloseClient: serve the request, then close the client connection.
	CloseClient bool
	// CloseTarget: serve the request, then close the target connection it used.
	CloseTarget bool
}

// Decide applies DSY-02's matrix to a head, and RFC 9112 on top of it in every mode:
//
//	class       monitor  defensive            strictest
//	Compliant   allow    allow                allow
//	Acceptable  allow    allow                block
//	Ambiguous   allow    allow, close both    block
//	Severe      allow    block                block
//
// In monitor mode a request whose body cannot be delimited (FramingInvalid) or whose head holds
// bytes that cannot be forwarded (NUL, CR or LF in the target or a field) is still blocked: no
// byte after such a head can be trusted, and forwarding it would carry the attack upstream. A
// head the RFC wants closed after the response (MustClose) closes both connections.
func (m Mode) Decide(h *Head) Action {
	a := m.action(h.Verdict.Class)
	if h.Framing == FramingInvalid || h.unforwardable() {
		return Action{Block: true}
	}
	if h.MustClose && !a.Block {
		a.CloseClient, a.CloseTarget = true, true
	}
	return a
}

// action is DSY-02's matrix alone.
func (m Mode) action(c Class) Action {
	switch {
	case c == Compliant || m == Monitor:
		return Action{}
	case m == Strictest || c == Severe:
		return Action{Block: true}
	case c == Ambiguous:
		return Action{CloseClient: true, CloseTarget: true}
	}
	return Action{}
}

// Unforwardable reports NUL, CR or LF in the target or a field: bytes no re-serialised head may
// carry, and no log line should.
func (h *Head) Unforwardable() bool { return h.unforwardable() }

// unforwardable reports NUL, CR or LF where a re-serialised head would carry them.
func (h *Head) unforwardable() bool {
	for _, c := range h.Target {
		if charClass[c]&charBad != 0 {
			return true
		}
	}
	for i := range h.Fields {
		if h.Fields[i].Flags&FieldBadBytes != 0 {
			return true
		}
	}
	return false
}
