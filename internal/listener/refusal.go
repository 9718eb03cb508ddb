package listener

import (
	"context"
	"net"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// recordRefusal hands a request the connection refused before any handler (an ALB page sent by
// the HTTP/1 loop, or by albConn in net/http's stead) to the current handler's access log: the
// ALB logs requests that never reached a rule too (§8.1). id is the connection's albConn.
func (l *Listener) recordRefusal(ctx context.Context, id net.Conn, r *elberr.Refusal) {
	if ac, ok := id.(*albConn); ok && r.TLS == nil {
		r.TLS = ac.info.tls
	}
	if rr, ok := (*l.handler.Load()).(elberr.RefusalRecorder); ok {
		rr.RecordRefusal(ctx, r)
	}
}

// recordNetHTTPRefusal is albConn.refused: net/http refused the head, so there is no request
// context; the connection's certificate choice is what the access log needs of it (TLS-03).
func (l *Listener) recordNetHTTPRefusal(c *albConn, r *elberr.Refusal) {
	ctx := context.Background()
	if c.info.sni != nil {
		ctx = tlsconf.WithSNIResult(ctx, c.info.sni)
	}
	l.recordRefusal(ctx, c, r)
}
