package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Attribute keys that other packages read (§10). The tables below hold every key.
const (
	AttrIdleTimeoutSeconds        = "idle_timeout.timeout_seconds"
	AttrDeletionProtection        = "deletion_protection.enabled"
	AttrClientKeepAliveSeconds    = "client_keep_alive.seconds"
	AttrDesyncMitigationMode      = "routing.http.desync_mitigation_mode"
	AttrDropInvalidHeaderFields   = "routing.http.drop_invalid_header_fields.enabled"
	AttrPreserveHostHeader        = "routing.http.preserve_host_header.enabled"
	AttrTLSVersionAndCipherSuite  = "routing.http.x_amzn_tls_version_and_cipher_suite.enabled"
	AttrXFFClientPort             = "routing.http.xff_client_port.enabled"
	AttrXFFHeaderProcessingMode   = "routing.http.xff_header_processing.mode"
	AttrHTTP2Enabled              = "routing.http2.enabled"
	AttrAccessLogsEnabled         = "access_logs.s3.enabled"
	AttrAccessLogsBucket          = "access_logs.s3.bucket"
	AttrAccessLogsPrefix          = "access_logs.s3.prefix"
	AttrConnectionLogsEnabled     = "connection_logs.s3.enabled"
	AttrConnectionLogsBucket      = "connection_logs.s3.bucket"
	AttrConnectionLogsPrefix      = "connection_logs.s3.prefix"
	AttrMinHealthyTargetsCount    = "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count"
	AttrMinHealthyTargetsPercent  = "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage"
	AttrResponseServerEnabled     = "routing.http.response.server.enabled"
	AttrDeregistrationDelay       = "deregistration_delay.timeout_seconds"
	AttrStickinessEnabled         = "stickiness.enabled"
	AttrStickinessType            = "stickiness.type"
	AttrStickinessLBCookieSeconds = "stickiness.lb_cookie.duration_seconds"
	AttrStickinessAppCookieName   = "stickiness.app_cookie.cookie_name"
	AttrStickinessAppCookieSecs   = "stickiness.app_cookie.duration_seconds"
	AttrAlgorithmType             = "load_balancing.algorithm.type"
	AttrAnomalyMitigation         = "load_balancing.algorithm.anomaly_mitigation"
	AttrSlowStartSeconds          = "slow_start.duration_seconds"
	AttrCrossZoneEnabled          = "load_balancing.cross_zone.enabled"
	AttrLambdaMultiValueHeaders   = "lambda.multi_value_headers.enabled"
	// AttrLambdaStrict is Albatross's own lambda target group attribute (not AWS): "true" makes
	// the Lambda response parser reject what AWS rejects even where the docs are loose.
	AttrLambdaStrict = "albatross.lambda.strict"
	// AttrMaxConnections and AttrMaxConnectionsPerIP are Albatross's own load balancer attributes
	// (not AWS): the caps on each listener's open client connections, in all and per source IP.
	AttrMaxConnections      = "albatross.connections.max"
	AttrMaxConnectionsPerIP = "albatross.connections.max_per_source_ip"
)

// Listener attribute keys of HDR-RESP-01 (§10.2): each sets one response header.
const (
	AttrResponseHSTS                          = "routing.http.response.strict_transport_security.header_value"
	AttrResponseAccessControlAllowOrigin      = "routing.http.response.access_control_allow_origin.header_value"
	AttrResponseAccessControlAllowMethods     = "routing.http.response.access_control_allow_methods.header_value"
	AttrResponseAccessControlAllowHeaders     = "routing.http.response.access_control_allow_headers.header_value"
	AttrResponseAccessControlAllowCredentials = "routing.http.response.access_control_allow_credentials.header_value"
	AttrResponseAccessControlExposeHeaders    = "routing.http.response.access_control_expose_headers.header_value"
	AttrResponseAccessControlMaxAge           = "routing.http.response.access_control_max_age.header_value"
	AttrResponseContentSecurityPolicy         = "routing.http.response.content_security_policy.header_value"
	AttrResponseXContentTypeOptions           = "routing.http.response.x_content_type_options.header_value"
	AttrResponseXFrameOptions                 = "routing.http.response.x_frame_options.header_value"
)

// Listener attribute keys of MTLS-07 (§10.2): each renames one request header the load balancer
// adds for mutual TLS or the TLS version and cipher suite.
const (
	AttrRequestHeaderNameClientcert             = "routing.http.request.x_amzn_mtls_clientcert.header_name"
	AttrRequestHeaderNameClientcertSerialNumber = "routing.http.request.x_amzn_mtls_clientcert_serial_number.header_name"
	AttrRequestHeaderNameClientcertIssuer       = "routing.http.request.x_amzn_mtls_clientcert_issuer.header_name"
	AttrRequestHeaderNameClientcertSubject      = "routing.http.request.x_amzn_mtls_clientcert_subject.header_name"
	AttrRequestHeaderNameClientcertValidity     = "routing.http.request.x_amzn_mtls_clientcert_validity.header_name"
	AttrRequestHeaderNameClientcertLeaf         = "routing.http.request.x_amzn_mtls_clientcert_leaf.header_name"
	AttrRequestHeaderNameTLSVersion             = "routing.http.request.x_amzn_tls_version.header_name"
	AttrRequestHeaderNameTLSCipherSuite         = "routing.http.request.x_amzn_tls_cipher_suite.header_name"
)

// applies says which target types a target group attribute is for (§10.3 "Applies to").
type applies int

const (
	anyTarget applies = iota
	instanceIPOnly
	lambdaOnly
)

// attrSpec describes one attribute key: its default ("" when AWS has none) and its value check,
// which returns "" for a valid value or what is wrong.
type attrSpec struct {
	def     string
	check   func(string) string
	applies applies
	// unlisted keeps an Albatross key out of the attribute listings (what the Describe*
	// Attributes APIs report) unless it is set, so that AWS clients see AWS's keys only.
	unlisted bool
}

// loadBalancerAttributes are the ALB attributes of §10.1.
var loadBalancerAttributes = map[string]attrSpec{
	"deletion_protection.enabled":  {def: "false", check: isBool},
	AttrCrossZoneEnabled:           {def: "true", check: enum("true")}, // ALB: always on
	AttrAccessLogsEnabled:          {def: "false", check: isBool},
	"access_logs.s3.bucket":        {check: s3Bucket},
	"access_logs.s3.prefix":        {check: s3Prefix},
	"connection_logs.s3.enabled":   {def: "false", check: isBool},
	"connection_logs.s3.bucket":    {check: s3Bucket},
	"connection_logs.s3.prefix":    {check: s3Prefix},
	"health_check_logs.s3.enabled": {def: "false", check: isBool},
	"health_check_logs.s3.bucket":  {check: s3Bucket},
	"health_check_logs.s3.prefix":  {check: s3Prefix},
	"ipv6.deny_all_igw_traffic":    {def: "false", check: isBool},
	"zonal_shift.config.enabled":   {def: "false", check: isBool},
	AttrIdleTimeoutSeconds:         {def: "60", check: intRange(1, 4000)},
	AttrMaxConnections:             {def: "10000", check: intRange(1, 1000000), unlisted: true},
	AttrMaxConnectionsPerIP:        {def: "1000", check: intRange(1, 1000000), unlisted: true},
	AttrClientKeepAliveSeconds:     {def: "3600", check: intRange(60, 604800)},
	AttrDesyncMitigationMode:       {def: "defensive", check: enum("monitor", "defensive", "strictest")},
	AttrDropInvalidHeaderFields:    {def: "false", check: isBool},
	AttrPreserveHostHeader:         {def: "false", check: isBool},
	AttrTLSVersionAndCipherSuite:   {def: "false", check: isBool},
	AttrXFFClientPort:              {def: "false", check: isBool},
	AttrXFFHeaderProcessingMode:    {def: "append", check: enum("append", "preserve", "remove")},
	AttrHTTP2Enabled:               {def: "true", check: isBool},
	"waf.fail_open.enabled":        {def: "false", check: isBool},
}

// listenerAttributes are the ALB listener attributes of §10.2; all are unset by default except
// routing.http.response.server.enabled.
var listenerAttributes = func() map[string]attrSpec {
	m := map[string]attrSpec{AttrResponseServerEnabled: {def: "true", check: isBool}}
	for _, key := range []string{
		AttrRequestHeaderNameClientcert,
		AttrRequestHeaderNameClientcertSerialNumber,
		AttrRequestHeaderNameClientcertIssuer,
		AttrRequestHeaderNameClientcertSubject,
		AttrRequestHeaderNameClientcertValidity,
		AttrRequestHeaderNameClientcertLeaf,
		AttrRequestHeaderNameTLSVersion,
		AttrRequestHeaderNameTLSCipherSuite,
	} {
		m[key] = attrSpec{check: headerNameText}
	}
	for key, check := range map[string]func(string) string{
		AttrResponseHSTS:                          anyText,
		AttrResponseAccessControlAllowOrigin:      anyText,
		AttrResponseAccessControlAllowMethods:     anyText,
		AttrResponseAccessControlAllowHeaders:     anyText,
		AttrResponseAccessControlAllowCredentials: enum("true"),
		AttrResponseAccessControlExposeHeaders:    anyText,
		AttrResponseAccessControlMaxAge:           intRange(0, 1<<31-1),
		AttrResponseContentSecurityPolicy:         anyText,
		AttrResponseXContentTypeOptions:           enum("nosniff"),
		AttrResponseXFrameOptions:                 frameOptions,
	} {
		m[key] = attrSpec{check: check}
	}
	return m
}()

// targetGroupAttributes are the ALB target group attributes of §10.3 plus Albatross's own.
// [amb] §12.17: the DNS-failover count defaults to "1", as the API text says.
var targetGroupAttributes = map[string]attrSpec{
	AttrDeregistrationDelay:       {def: "300", check: intRange(0, 3600), applies: instanceIPOnly},
	AttrStickinessEnabled:         {def: "false", check: isBool, applies: instanceIPOnly},
	AttrStickinessType:            {def: "lb_cookie", check: enum("lb_cookie", "app_cookie"), applies: instanceIPOnly},
	AttrStickinessLBCookieSeconds: {def: "86400", check: intRange(1, 604800), applies: instanceIPOnly},
	AttrStickinessAppCookieName:   {check: appCookieName, applies: instanceIPOnly},
	AttrStickinessAppCookieSecs:   {def: "86400", check: intRange(1, 604800), applies: instanceIPOnly},
	AttrAlgorithmType: {def: "round_robin", applies: instanceIPOnly,
		check: enum("round_robin", "least_outstanding_requests", "weighted_random")},
	AttrAnomalyMitigation: {def: "off", check: enum("on", "off"), applies: instanceIPOnly},
	AttrSlowStartSeconds:  {def: "0", check: slowStart, applies: instanceIPOnly},
	AttrCrossZoneEnabled: {def: "use_load_balancer_configuration",
		check: enum("true", "false", "use_load_balancer_configuration")},
	"target_group_health.dns_failover.minimum_healthy_targets.count":                 {def: "1", check: offOrRange(1, 1<<31-1), applies: instanceIPOnly},
	"target_group_health.dns_failover.minimum_healthy_targets.percentage":            {def: "off", check: offOrRange(1, 100), applies: instanceIPOnly},
	"target_group_health.unhealthy_state_routing.minimum_healthy_targets.count":      {def: "1", check: intRange(1, 1<<31-1), applies: instanceIPOnly},
	"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": {def: "off", check: offOrRange(1, 100), applies: instanceIPOnly},
	AttrLambdaMultiValueHeaders: {def: "false", check: isBool, applies: lambdaOnly},
	AttrLambdaStrict:            {def: "false", check: isBool, applies: lambdaOnly},
}

// attributes checks a map of attributes against its table; targetType filters by "applies to"
// ("" for load balancer and listener attributes). Keys are visited in sorted order so that
// problems come out in a stable order.
func (v *validator) attributes(p string, attrs map[string]string, table map[string]attrSpec, targetType string) {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		kp := mapKey(p, k)
		spec, ok := table[k]
		switch {
		case !ok:
			v.ps.Add(kp, "unknown attribute")
		case !spec.appliesTo(targetType):
			v.ps.Add(kp, "does not apply to %s target groups (§10.3)", targetType)
		default:
			if msg := spec.check(attrs[k]); msg != "" {
				v.ps.Add(kp, "%s, got %q", msg, attrs[k])
			}
		}
	}
}

// appliesTo reports whether the attribute is valid for targetType ("" = not a target group).
func (s attrSpec) appliesTo(targetType string) bool {
	switch s.applies {
	case instanceIPOnly:
		return targetType != TargetTypeLambda
	case lambdaOnly:
		return targetType == TargetTypeLambda
	}
	return true
}

func isBool(s string) string {
	if s != "true" && s != "false" {
		return "must be true or false"
	}
	return ""
}

func enum(values ...string) func(string) string {
	return func(s string) string {
		if !slices.Contains(values, s) {
			return "must be " + strings.Join(values, " or ")
		}
		return ""
	}
}

func intRange(lo, hi int) func(string) string {
	return func(s string) string {
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi || strings.HasPrefix(s, "+") {
			return fmt.Sprintf("must be an integer %d..%d", lo, hi)
		}
		return ""
	}
}

func offOrRange(lo, hi int) func(string) string {
	in := intRange(lo, hi)
	return func(s string) string {
		if s == "off" || in(s) == "" {
			return ""
		}
		return fmt.Sprintf("must be off or an integer %d..%d", lo, hi)
	}
}

// slowStart: 30..900 seconds, or 0 for off (ALG-03).
func slowStart(s string) string {
	if s == "0" || intRange(30, 900)(s) == "" {
		return ""
	}
	return "must be 0 (off) or 30..900"
}

// appCookieName: a cookie name that is not one of the ALB's own (STK-01).
func appCookieName(s string) string {
	switch {
	case !isToken(s):
		return "must be a cookie name"
	case strings.HasPrefix(s, "AWSALB"):
		return "must not start with AWSALB, AWSALBAPP or AWSALBTG (STK-01)"
	}
	return ""
}

func headerNameText(s string) string {
	if !isToken(s) {
		return "must be an HTTP header name"
	}
	return ""
}

// s3Bucket: an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens, starting and
// ending with a letter or digit). The log files are written under <data-dir>/access-logs/<bucket>
// before upload, so a name is also a single, safe folder name.
func s3Bucket(s string) string {
	if s == "" || s3BucketRe.MatchString(s) && !strings.Contains(s, "..") {
		return ""
	}
	return "must be an S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"
}

// s3Prefix: ALB refuses a log prefix containing AWSLogs (the folder it adds itself); a ".."
// segment would climb out of the bucket's folder on disk.
func s3Prefix(s string) string {
	switch {
	case hasControl(s) || strings.Contains(s, "\\"):
		return "must not contain control characters or backslashes"
	case strings.Contains(s, "AWSLogs"):
		return "must not contain AWSLogs"
	case slices.Contains(strings.Split(s, "/"), ".."):
		return `must not contain a ".." segment`
	}
	return ""
}

var s3BucketRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func anyText(s string) string {
	if hasControl(s) {
		return "must not contain control characters"
	}
	return ""
}

func frameOptions(s string) string {
	if s == "DENY" || s == "SAMEORIGIN" || strings.HasPrefix(s, "ALLOW-FROM ") && !hasControl(s) {
		return ""
	}
	return "must be DENY, SAMEORIGIN or ALLOW-FROM <uri>"
}
