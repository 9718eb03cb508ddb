package elbv2

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/state"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// timeFormat is ISO-8601 UTC with milliseconds, as in the AWS examples (A.5.3).
const timeFormat = "2006-01-02T15:04:05.000Z"

// hostedZoneID is the us-east-1 ALB hosted zone, reported as CanonicalHostedZoneId.
const hostedZoneID = "Z35SXDOTRQ7X7K"

func renderLoadBalancer(lb *state.LoadBalancer, region string) xmlLoadBalancer {
	id := lb.ARN[strings.LastIndex(lb.ARN, "/")+1:]
	return xmlLoadBalancer{
		LoadBalancerArn: lb.ARN,
		// *.localhost names resolve to the loopback address (RFC 6761), so the DNS name works
		// with curl for an internal load balancer (docs/api.md).
		DNSName:               lb.Spec.Name + "-" + id[:8] + "." + region + ".elb.localhost",
		CanonicalHostedZoneID: hostedZoneID,
		CreatedTime:           lb.Created.UTC().Format(timeFormat),
		LoadBalancerName:      lb.Spec.Name,
		Scheme:                lb.Scheme,
		VpcID:                 "vpc-albatross",
		State:                 xmlState{Code: "active"},
		Type:                  "application",
		AvailabilityZones:     []xmlAvailability{{ZoneName: region + "a", SubnetID: "subnet-albatross"}},
		IPAddressType:         orDefault(lb.IPAddressType, "ipv4"),
	}
}

func renderTargetGroup(tg *state.TargetGroup, users []string) xmlTargetGroup {
	s := tg.Spec
	h := s.HealthCheck()
	out := xmlTargetGroup{
		TargetGroupArn:             tg.ARN,
		TargetGroupName:            s.Name,
		HealthCheckEnabled:         h.Enabled,
		HealthCheckIntervalSeconds: int(h.Interval / time.Second),
		HealthCheckTimeoutSeconds:  int(h.Timeout / time.Second),
		HealthyThresholdCount:      h.HealthyThreshold,
		UnhealthyThresholdCount:    h.UnhealthyThreshold,
		HealthCheckPath:            h.Path,
		Matcher:                    &xmlMatch{HTTPCode: h.Matcher.HTTPCode, GrpcCode: h.Matcher.GrpcCode},
		LoadBalancerArns:           users,
		TargetType:                 s.EffectiveTargetType(),
	}
	// Lambda target groups have no protocol, port or VPC (A.6): omit them, never send them empty.
	if out.TargetType != config.TargetTypeLambda {
		port := s.Port
		out.Protocol, out.Port, out.VpcID = s.EffectiveProtocol(), &port, "vpc-albatross"
		out.HealthCheckProtocol, out.HealthCheckPort = h.Protocol, h.Port
		out.ProtocolVersion, out.IPAddressType = s.EffectiveProtocolVersion(), "ipv4"
	}
	return out
}

func renderListener(l *state.Listener, c *config.Config) xmlListener {
	out := xmlListener{
		ListenerArn:     l.ARN,
		LoadBalancerArn: l.LoadBalancerARN,
		Port:            l.Spec.Port,
		Protocol:        l.Spec.EffectiveProtocol(),
		SslPolicy:       l.Spec.SSLPolicy,
		DefaultActions:  renderActions(l.Spec.DefaultActions, c),
	}
	if out.Protocol == config.ProtocolHTTPS && out.SslPolicy == "" {
		out.SslPolicy = tlsconf.DefaultPolicy // what an HTTPS listener without one runs, as AWS reports it (TLS-04)
	}
	owner := tlsconf.ARNOwner{Region: c.EffectiveRegion(), AccountID: c.EffectiveAccountID()}
	for i, cert := range l.Spec.Certificates {
		// The ARN the access log's chosen_cert_arn shows (TLS-03), derived from the certificate;
		// a file that no longer reads is shown by its path rather than dropped.
		arn, err := tlsconf.CertificateFileARN(owner, cert.CertificateFile)
		if err != nil {
			arn = cert.CertificateFile
		}
		out.Certificates = append(out.Certificates, xmlCert{CertificateArn: arn, IsDefault: i == 0})
	}
	return out
}

func renderRule(r *state.Rule, c *config.Config) xmlRule {
	return xmlRule{RuleArn: r.ARN, Priority: strconv.Itoa(r.Spec.Priority),
		Conditions: renderConditions(r.Spec.Conditions), Actions: renderActions(r.Spec.Actions, c),
		Transforms: renderTransforms(r.Spec.Transforms)}
}

// renderDefaultRule is the listener's default rule: Priority "default", IsDefault true (A.5.4).
func renderDefaultRule(l *state.Listener, c *config.Config) xmlRule {
	return xmlRule{RuleArn: l.DefaultRuleARN, Priority: "default", Conditions: []xmlCondition{},
		Actions: renderActions(l.Spec.DefaultActions, c), IsDefault: true}
}

func renderActions(acts []config.Action, c *config.Config) []xmlAction {
	out := make([]xmlAction, 0, len(acts))
	for i, a := range acts {
		x := xmlAction{Type: a.Type}
		order := a.Order
		if order == 0 {
			order = i + 1
		}
		x.Order = &order
		if a.TargetGroupName != "" || a.TargetGroupARN != "" {
			x.TargetGroupArn = tgARN(c, a.TargetGroupName, a.TargetGroupARN)
			one := 1
			x.ForwardConfig = &xmlForward{TargetGroups: []xmlTuple{{TargetGroupArn: x.TargetGroupArn, Weight: &one}},
				TargetGroupStickinessConfig: &xmlStickiness{Enabled: false}}
		}
		if f := a.ForwardConfig; f != nil {
			x.ForwardConfig = renderForward(f, c)
			if len(f.TargetGroups) == 1 {
				x.TargetGroupArn = x.ForwardConfig.TargetGroups[0].TargetGroupArn
			}
		}
		if r := a.RedirectConfig; r != nil {
			x.RedirectConfig = &xmlRedirect{Protocol: orDefault(r.Protocol, "#{protocol}"), Port: orDefault(r.Port, "#{port}"),
				Host: orDefault(r.Host, "#{host}"), Path: orDefault(r.Path, "/#{path}"), Query: r.Query, StatusCode: r.StatusCode}
			if r.Query == nil {
				q := "#{query}"
				x.RedirectConfig.Query = &q
			}
		}
		if f := a.FixedResponseConfig; f != nil {
			x.FixedResponseConfig = &xmlFixedResponse{MessageBody: f.MessageBody, StatusCode: f.StatusCode, ContentType: f.ContentType}
		}
		renderAuthConfigs(&x, &a)
		out = append(out, x)
	}
	return out
}

func renderForward(f *config.ForwardConfig, c *config.Config) *xmlForward {
	out := &xmlForward{TargetGroupStickinessConfig: &xmlStickiness{Enabled: false}}
	for _, t := range f.TargetGroups {
		w := 1
		if t.Weight != nil {
			w = *t.Weight
		}
		out.TargetGroups = append(out.TargetGroups, xmlTuple{TargetGroupArn: tgARN(c, t.TargetGroupName, t.TargetGroupARN), Weight: &w})
	}
	if s := f.TargetGroupStickinessConfig; s != nil {
		out.TargetGroupStickinessConfig = &xmlStickiness{Enabled: s.Enabled}
		if s.DurationSeconds != 0 {
			d := s.DurationSeconds
			out.TargetGroupStickinessConfig.DurationSeconds = &d
		}
	}
	return out
}

// tgARN returns the ARN of a target group referenced by name or ARN.
func tgARN(c *config.Config, name, arn string) string {
	if arn != "" {
		return arn
	}
	return c.TargetGroupARN(name)
}

func renderConditions(cs []config.Condition) []xmlCondition {
	out := make([]xmlCondition, 0, len(cs))
	for _, c := range cs {
		x := xmlCondition{Field: c.Field}
		vals := func(v *config.ValuesConfig) *xmlValues {
			if v == nil {
				if len(c.Values) == 0 {
					return nil
				}
				return &xmlValues{Values: c.Values}
			}
			return &xmlValues{Values: v.Values, RegexValues: optionalStrings(v.RegexValues)}
		}
		switch c.Field {
		case config.FieldHostHeader:
			x.HostHeaderConfig = vals(c.HostHeaderConfig)
			x.Values = c.Values
		case config.FieldPathPattern:
			x.PathPatternConfig = vals(c.PathPatternConfig)
			x.Values = c.Values
		case config.FieldHTTPRequestMethod:
			x.HTTPRequestMethodConfig = vals(c.HTTPRequestMethodConfig)
		case config.FieldSourceIP:
			x.SourceIPConfig = vals(c.SourceIPConfig)
		case config.FieldHTTPHeader:
			if h := c.HTTPHeaderConfig; h != nil {
				x.HTTPHeaderConfig = &xmlHeader{HTTPHeaderName: h.HTTPHeaderName, Values: h.Values, RegexValues: optionalStrings(h.RegexValues)}
			}
		case config.FieldQueryString:
			if q := c.QueryStringConfig; q != nil {
				x.QueryStringConfig = &xmlQueryValue{}
				for _, kv := range q.Values {
					x.QueryStringConfig.Values = append(x.QueryStringConfig.Values, xmlKeyValue(kv))
				}
			}
		}
		out = append(out, x)
	}
	return out
}

// renderAttributes returns attributes sorted by key, so responses are stable.
func renderAttributes(attrs map[string]string) []xmlAttribute {
	out := make([]xmlAttribute, 0, len(attrs))
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		out = append(out, xmlAttribute{Key: k, Value: attrs[k]})
	}
	return out
}

func renderTags(tags []state.Tag) []xmlTag {
	out := make([]xmlTag, 0, len(tags))
	for _, t := range tags {
		out = append(out, xmlTag(t))
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
