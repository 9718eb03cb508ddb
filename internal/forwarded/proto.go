package forwarded

import "strconv"

// Proto returns X-Forwarded-Proto for a listener (XFP-01): "https" when the client connection is
// TLS, else "http". The value replaces whatever the client sent: the header states the
// client-to-ALB hop, which only the ALB knows (§12 item 12), and Lambda events show one value.
func Proto(tls bool) string {
	if tls {
		return "https"
	}
	return "http"
}

// Port returns X-Forwarded-Port for a listener (XFP-01): the port the client connected to. Like
// Proto, it replaces any incoming value.
func Port(listenerPort int) string {
	return strconv.Itoa(listenerPort)
}
