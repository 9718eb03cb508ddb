package router

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// RecordRefusal logs a request the connection refused before the pipeline saw it (an unreadable
// or over-limit head, an unsupported Transfer-Encoding or version): the ALB logs every request it
// received, those that never reached a rule included (§8.1, RUL-02 "-", ACT-03 "-"). The host is
// the one the client sent, or the load balancer's DNS name when it sent none or its request line
// could not be read, which ALB logs as "- http://<DNS name>:80- -" (docs/observability.md).
func (rt *Router) RecordRefusal(ctx context.Context, r *elberr.Refusal) {
	if rt.observer == nil {
		return
	}
	ex := &observe.Exchange{
		Received:             r.Received,
		Finished:             time.Now(),
		Protocol:             rt.settings.Protocol,
		ListenerPort:         rt.settings.Port,
		MatchedRulePriority:  observe.NotRouted,
		LoadBalancer:         rt.settings.LoadBalancer,
		Method:               r.Method,
		RequestURI:           r.Target,
		HTTPVersion:          r.Proto,
		UserAgent:            r.UserAgent,
		TLS:                  r.TLS,
		Status:               r.Status,
		ReceivedBytes:        r.ReceivedBytes,
		SentHeaderBytes:      r.SentBytes,
		Classification:       r.Classification,
		ClassificationReason: r.ClassificationReason,
	}
	if ex.Received.IsZero() {
		ex.Received = ex.Finished
	}
	ex.RequestHost = rt.settings.DNSName
	if r.Method != "" {
		if host := targetAuthority(r.Target); host != "" {
			ex.RequestHost = requestHost(host) // RFC 9112 section 3.2.2: the target's authority wins
		} else if r.Host != "" {
			ex.RequestHost = requestHost(r.Host)
		}
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		ex.Client = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	if r.TLS != nil {
		sni := tlsconf.SNIResultFrom(ctx)
		ex.SNIDefaultCert = sni.DefaultServed()
		ex.CertificateARN = sni.CertificateARN()
		if r.TLS.DidResume {
			ex.CertificateARN = observe.SessionReused
		}
	}
	rt.observer.Observe(ex)
}

// targetAuthority returns the authority of an absolute-form request target
// ("http://h:8080/x" -> "h:8080"), "" for any other form.
func targetAuthority(target string) string {
	_, rest, ok := strings.Cut(target, "://")
	if !ok || strings.HasPrefix(target, "/") {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	return rest
}
