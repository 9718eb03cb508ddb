package reconcile

import (
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/forwarded"
	"github.com/albatross-lb/albatross/internal/router"
)

// dnsName is the name HTTP/1.0 requests without Host are given (LST-05) and the access log
// shows for requests without one (LOG-03): the load balancer's DNS name as DescribeLoadBalancers
// reports it (the first 8 hex digits of its id), under the reserved .localhost domain.
func dnsName(cfg *config.Config, lb string) string {
	arn := cfg.LoadBalancerARN(lb)
	return lb + "-" + arn[len(arn)-16:len(arn)-8] + "." + cfg.EffectiveRegion() + ".elb.localhost"
}

// listenerName is the listener label of metrics and the dashboard, e.g. "HTTP:8080".
func listenerName(l *config.Listener) string {
	return l.EffectiveProtocol() + ":" + strconv.Itoa(l.Port)
}

// loadBalancerID is the resource ID app/<name>/<id> of a load balancer's ARN.
func loadBalancerID(cfg *config.Config, name string) string {
	arn := cfg.LoadBalancerARN(name)
	if _, id, ok := strings.Cut(arn, ":loadbalancer/"); ok {
		return id
	}
	return arn
}

// ListenerSettings are the router settings of listener l of lb: the attributes the pipeline
// applies and the load balancer's identity for the exchange records.
func ListenerSettings(cfg *config.Config, lb *config.LoadBalancer, l *config.Listener) (router.Settings, error) {
	xffMode, err := forwarded.ParseMode(lb.Attribute(config.AttrXFFHeaderProcessingMode))
	if err != nil {
		return router.Settings{}, err
	}
	desync, err := router.ParseDesyncMode(lb.Attribute(config.AttrDesyncMitigationMode))
	if err != nil {
		return router.Settings{}, err
	}
	s := router.Settings{
		Protocol:      l.EffectiveProtocol(),
		Port:          l.Port,
		DNSName:       dnsName(cfg, lb.Name),
		XFFMode:       xffMode,
		XFFClientPort: lb.Attribute(config.AttrXFFClientPort) == "true",
		PreserveHost:  lb.Attribute(config.AttrPreserveHostHeader) == "true",
		ServerHeader:  serverHeader(l),
		LoadBalancer:  loadBalancerID(cfg, lb.Name),
	}
	// DSY-01..03 and HDR-RESP-01.
	s.DesyncMode = desync
	s.DropInvalidHeaders = lb.Attribute(config.AttrDropInvalidHeaderFields) == "true"
	// H2-01: with HTTP/2 on, an HTTPS listener holds every request to HTTP/2's header-name rule.
	s.StrictHeaderNames = l.EffectiveProtocol() == config.ProtocolHTTPS && lb.Attribute(config.AttrHTTP2Enabled) != "false"
	s.ResponseHeaders = responseHeaders(l)
	return s, nil
}

// serverHeader says whether listener l's answers carry "Server: awselb/2.0"
// (routing.http.response.server.enabled, on by default).
func serverHeader(l *config.Listener) bool {
	return l.Attribute(config.AttrResponseServerEnabled) != "false"
}

// responseHeaderAttributes maps the listener attributes of HDR-RESP-01 (§10.2) to the response
// headers they add.
var responseHeaderAttributes = map[string]string{
	config.AttrResponseHSTS:                          "Strict-Transport-Security",
	config.AttrResponseAccessControlAllowOrigin:      "Access-Control-Allow-Origin",
	config.AttrResponseAccessControlAllowMethods:     "Access-Control-Allow-Methods",
	config.AttrResponseAccessControlAllowHeaders:     "Access-Control-Allow-Headers",
	config.AttrResponseAccessControlAllowCredentials: "Access-Control-Allow-Credentials",
	config.AttrResponseAccessControlExposeHeaders:    "Access-Control-Expose-Headers",
	config.AttrResponseAccessControlMaxAge:           "Access-Control-Max-Age",
	config.AttrResponseContentSecurityPolicy:         "Content-Security-Policy",
	config.AttrResponseXContentTypeOptions:           "X-Content-Type-Options",
	config.AttrResponseXFrameOptions:                 "X-Frame-Options",
}

// responseHeaders returns the headers a listener's attributes add to responses, in a stable
// order; unset or empty attributes add nothing (header modification is off by default).
func responseHeaders(l *config.Listener) []router.ResponseHeader {
	var out []router.ResponseHeader
	for attr, name := range responseHeaderAttributes {
		if v := l.Attributes[attr]; v != "" {
			out = append(out, router.ResponseHeader{Name: name, Value: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// listenAddr is the socket address of a listener: all interfaces when no address is set.
func listenAddr(l *config.Listener) string {
	return net.JoinHostPort(l.Address, strconv.Itoa(l.Port))
}
