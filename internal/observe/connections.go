package observe

import (
	"sync/atomic"
)

// RejectedConnections counts one load balancer's RejectedConnectionCount (§9.1): client
// connections refused because a connection cap was reached. It is safe for concurrent use, and
// one load balancer keeps the same counter across reloads (so listener options stay equal).
type RejectedConnections struct{ n atomic.Uint64 }

// ConnectionRejected counts one refused connection.
func (r *RejectedConnections) ConnectionRejected() { r.n.Add(1) }

const rejectedName = "alb_rejected_connection_count_total"

// RejectedConnections returns the counter of the load balancer lb (app/<name>/<id>).
func (m *Metrics) RejectedConnections(lb string) *RejectedConnections {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.rejected == nil {
		m.rejected = map[string]*RejectedConnections{}
	}
	r := m.rejected[lb]
	if r == nil {
		r = &RejectedConnections{}
		m.rejected[lb] = r
	}
	return r
}

// rejectedSamples are the RejectedConnectionCount counters that counted something.
func (m *Metrics) rejectedSamples() []Sample {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Sample
	for lb, r := range m.rejected {
		if v := r.n.Load(); v > 0 {
			out = append(out, Sample{Name: rejectedName, Counter: true, Labels: []Label{{"load_balancer", lb}}, Value: float64(v),
				Help: "RejectedConnectionCount: client connections refused because a connection cap (albatross.connections.*) was reached."})
		}
	}
	return out
}

// ClientTLSErrors counts one load balancer's ClientTLSNegotiationErrorCount (§9.1): client TLS
// handshakes that failed. Like RejectedConnections it is safe for concurrent use and stays the
// same counter across reloads.
type ClientTLSErrors struct{ n atomic.Uint64 }

// ClientTLSNegotiationFailed counts one failed handshake.
func (c *ClientTLSErrors) ClientTLSNegotiationFailed() { c.n.Add(1) }

const tlsErrorsName = "alb_client_tls_negotiation_error_count_total"

// ClientTLSErrors returns the counter of the load balancer lb (app/<name>/<id>).
func (m *Metrics) ClientTLSErrors(lb string) *ClientTLSErrors {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tlsErrors == nil {
		m.tlsErrors = map[string]*ClientTLSErrors{}
	}
	c := m.tlsErrors[lb]
	if c == nil {
		c = &ClientTLSErrors{}
		m.tlsErrors[lb] = c
	}
	return c
}

// tlsErrorSamples are the ClientTLSNegotiationErrorCount counters that counted something.
func (m *Metrics) tlsErrorSamples() []Sample {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Sample
	for lb, c := range m.tlsErrors {
		if v := c.n.Load(); v > 0 {
			out = append(out, Sample{Name: tlsErrorsName, Counter: true, Labels: []Label{{"load_balancer", lb}}, Value: float64(v),
				Help: "ClientTLSNegotiationErrorCount: client TLS handshakes that failed (no common protocol or cipher, refused client certificate, client gave up)."})
		}
	}
	return out
}
