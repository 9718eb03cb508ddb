// Package config is Albatross's configuration model: load balancers, listeners, rules, target
// groups and functions, with strict YAML decoding and whole-config validation.
//
// Key names are the ELBv2 / Lambda API field names in snake_case (see the interface contract), so
// the same model serves the YAML file and, later, the control API. Optional numbers are pointers:
// nil means "not set, use the AWS default", which differs from an explicit (and possibly invalid)
// zero. The Effective* methods return the value in force.
package config

// Config is one whole configuration: everything Albatross serves.
type Config struct {
	// Region is used in the ARNs Albatross reports. Default "us-east-1".
	Region string `yaml:"region"`
	// AccountID is used in the ARNs Albatross reports. Default "000000000000".
	AccountID     string         `yaml:"account_id"`
	LoadBalancers []LoadBalancer `yaml:"load_balancers"`
	TargetGroups  []TargetGroup  `yaml:"target_groups"`
	Functions     []Function     `yaml:"functions"`
	// UserPools is Albatross's own (no AWS key): where the Cognito user pools that
	// authenticate-cognito actions name are found for local work (model_auth.go).
	UserPools []UserPool `yaml:"albatross_user_pools"`
	// Albatross holds settings of Albatross's own, with no AWS API field behind them.
	Albatross Settings `yaml:"albatross"`
}

// Settings are Albatross's own top-level settings (the `albatross:` block).
type Settings struct {
	// ConcurrentExecutions is the account's concurrency limit: the most invocations in flight
	// across all functions, as Lambda's account quota. nil means DefaultConcurrencyLimit.
	// Reserved concurrency is carved out of it, and at least MinUnreservedConcurrency must stay
	// unreserved.
	ConcurrentExecutions *int `yaml:"concurrent_executions"`
}

// LoadBalancer is one application load balancer: a set of listeners sharing attributes.
type LoadBalancer struct {
	// Name is 1-32 letters, digits and hyphens, not starting or ending with a hyphen.
	Name string `yaml:"name"`
	// Attributes are ELBv2 load balancer attributes (§10.1 in docs/spec.md); values are
	// strings as in the API. Unset keys take the AWS default (see LoadBalancerAttributeDefaults).
	Attributes map[string]string `yaml:"attributes"`
	Listeners  []Listener        `yaml:"listeners"`
}

// Listener accepts connections on one port and routes each request by its rules.
type Listener struct {
	// Port is 1-65535 and unique across all load balancers for a given address.
	Port int `yaml:"port"`
	// Protocol is HTTP or HTTPS. Default HTTP.
	Protocol string `yaml:"protocol"`
	// Address is the bind address. Empty means all interfaces.
	Address string `yaml:"address"`
	// Certificates are for HTTPS listeners; the first is the default certificate.
	Certificates []Certificate `yaml:"certificates"`
	// SSLPolicy names the ELB security policy of an HTTPS listener. Empty means
	// ELBSecurityPolicy-2016-08, the ELBv2 API default (TLS-04).
	SSLPolicy string `yaml:"ssl_policy"`
	// MutualAuthentication is the mutual TLS of an HTTPS listener (MTLS-01). nil means off.
	MutualAuthentication *MutualAuthentication `yaml:"mutual_authentication"`
	// Attributes are ELBv2 listener attributes (§10.2).
	Attributes map[string]string `yaml:"attributes"`
	// DefaultActions run when no rule matches (LST-02).
	DefaultActions []Action `yaml:"default_actions"`
	Rules          []Rule   `yaml:"rules"`
}

// Certificate is a PEM certificate chain and its private key, paths relative to the config file,
// or (Albatross's own, not an ALB feature) a certificate obtained automatically through ACME.
type Certificate struct {
	CertificateFile string `yaml:"certificate_file"`
	PrivateKeyFile  string `yaml:"private_key_file"`
	// ACME, instead of the files, gets and renews the certificate from an ACME directory.
	ACME *ACMECertificate `yaml:"acme"`
}

// ACME challenge types.
const (
	ACMEChallengeTLSALPN01 = "tls-alpn-01"
	ACMEChallengeHTTP01    = "http-01"
)

// ACMECertificate is Albatross's own automatic certificate (docs/tls.md, "ACME").
type ACMECertificate struct {
	// Domains are the DNS names certificates are obtained for, each with at least one dot.
	Domains []string `yaml:"domains"`
	// DirectoryURL is the https:// URL of the ACME directory.
	DirectoryURL string `yaml:"directory_url"`
	// Email is the ACME account's contact. Optional.
	Email string `yaml:"email"`
	// Challenge is tls-alpn-01 (default; answered by this listener) or http-01 (answered by the
	// load balancer's HTTP listener on HTTPPort).
	Challenge string `yaml:"challenge"`
	// HTTPPort is the port of the HTTP listener of the same load balancer that answers http-01
	// challenges. Default 80; only with http-01.
	HTTPPort int `yaml:"http_port"`
	// CARoots is a PEM file of roots trusted for the directory's HTTPS, path relative to the
	// config file. Empty means the system roots.
	CARoots string `yaml:"ca_roots"`
}

// EffectiveChallenge is the challenge in force: tls-alpn-01 when unset.
func (a *ACMECertificate) EffectiveChallenge() string {
	if a.Challenge == "" {
		return ACMEChallengeTLSALPN01
	}
	return a.Challenge
}

// EffectiveHTTPPort is the http-01 port in force: 80 when unset.
func (a *ACMECertificate) EffectiveHTTPPort() int {
	if a.HTTPPort == 0 {
		return 80
	}
	return a.HTTPPort
}

// Mutual authentication modes (MTLS-01).
const (
	MTLSModeOff         = "off"
	MTLSModePassthrough = "passthrough"
	MTLSModeVerify      = "verify"
)

// MutualAuthentication is an HTTPS listener's client-certificate authentication (MTLS-01).
type MutualAuthentication struct {
	// Mode is off, passthrough or verify. Empty means off.
	Mode string `yaml:"mode"`
	// TrustStore are PEM files of CA certificates (paths relative to the config file), the
	// trust store of verify mode; at most 25 certificates in all (MTLS-06).
	TrustStore []string `yaml:"trust_store"`
	// IgnoreClientCertificateExpiry accepts expired client certificates in verify mode. Default
	// false.
	IgnoreClientCertificateExpiry bool `yaml:"ignore_client_certificate_expiry"`
	// AdvertiseTrustStoreCaNames is on or off (the API's strings): whether the TLS
	// CertificateRequest lists the trust store's CA names. Empty means off.
	AdvertiseTrustStoreCaNames string `yaml:"advertise_trust_store_ca_names"`
	// TrustStoreRevocationLists are CRL files (PEM or DER, paths relative to the config file)
	// signed by trust store CAs, the trust store's revocation lists of verify mode (MTLS-03); at
	// most 30 (MTLS-06).
	TrustStoreRevocationLists []string `yaml:"trust_store_revocation_lists"`
}

// EffectiveMode is the mode in force: off when unset.
func (m *MutualAuthentication) EffectiveMode() string {
	if m == nil || m.Mode == "" {
		return MTLSModeOff
	}
	return m.Mode
}

// Rule is a listener rule: when every condition matches, its actions run (RUL-01, RUL-11).
type Rule struct {
	// Priority is 1..50000 and unique within the listener; lower is evaluated first.
	Priority   int         `yaml:"priority"`
	Conditions []Condition `yaml:"conditions"`
	Actions    []Action    `yaml:"actions"`
	// Transforms rewrite the request after routing, before the actions (TRF-01..05): at most one
	// host-header-rewrite and one url-rewrite. Empty means the request is forwarded as sent.
	Transforms []Transform `yaml:"transforms"`
	// AlbatrossAttributes are Albatross's own rule attributes (not AWS; rules have none there):
	// shadow traffic, response comparison and gated weight shifting (model_strangler.go,
	// docs/strangler.md). Through the API they are the rule's tags whose keys start with
	// "albatross.". Empty means none of it.
	AlbatrossAttributes map[string]string `yaml:"albatross_attributes"`
}

// Transform types (RuleTransform.Type).
const (
	TransformHostHeaderRewrite = "host-header-rewrite"
	TransformURLRewrite        = "url-rewrite"
)

// Transform is one rule transform (RuleTransform): Type and exactly the matching config.
type Transform struct {
	Type                    string         `yaml:"type"`
	HostHeaderRewriteConfig *RewriteConfig `yaml:"host_header_rewrite_config"`
	URLRewriteConfig        *RewriteConfig `yaml:"url_rewrite_config"`
}

// RewriteConfig is a HostHeaderRewriteConfig or UrlRewriteConfig: the rewrites, applied in order.
type RewriteConfig struct {
	Rewrites []Rewrite `yaml:"rewrites"`
}

// Rewrite is one RewriteConfig of the API: an RE2 regex (≤1024 characters) and its replacement
// (≤1024 characters, `$1` for capture groups, TRF-02).
type Rewrite struct {
	Regex   string `yaml:"regex"`
	Replace string `yaml:"replace"`
}

// Condition field names (RuleCondition.Field).
const (
	FieldHostHeader        = "host-header"
	FieldPathPattern       = "path-pattern"
	FieldHTTPHeader        = "http-header"
	FieldHTTPRequestMethod = "http-request-method"
	FieldQueryString       = "query-string"
	FieldSourceIP          = "source-ip"
)

// Condition is one rule condition. Exactly the *_config that matches Field is set, except that
// host-header and path-pattern also accept the short form Values (as the ELBv2 API does).
type Condition struct {
	Field                   string             `yaml:"field"`
	Values                  []string           `yaml:"values"`
	HostHeaderConfig        *ValuesConfig      `yaml:"host_header_config"`
	PathPatternConfig       *ValuesConfig      `yaml:"path_pattern_config"`
	HTTPHeaderConfig        *HTTPHeaderConfig  `yaml:"http_header_config"`
	HTTPRequestMethodConfig *ValuesConfig      `yaml:"http_request_method_config"`
	QueryStringConfig       *QueryStringConfig `yaml:"query_string_config"`
	SourceIPConfig          *ValuesConfig      `yaml:"source_ip_config"`
}

// ValuesConfig holds the values of a host-header, path-pattern, http-request-method or source-ip
// condition; any one value matching makes the condition true.
type ValuesConfig struct {
	Values []string `yaml:"values"`
	// RegexValues are RE2 regular expressions instead of Values, for host-header and
	// path-pattern only (RUL-15); each ≤128 characters.
	RegexValues []string `yaml:"regex_values"`
}

// HTTPHeaderConfig matches the values of one named request header.
type HTTPHeaderConfig struct {
	HTTPHeaderName string   `yaml:"http_header_name"`
	Values         []string `yaml:"values"`
	// RegexValues are RE2 regular expressions instead of Values (RUL-15); each ≤128 characters.
	RegexValues []string `yaml:"regex_values"`
}

// QueryStringConfig matches key/value pairs of the query string.
type QueryStringConfig struct {
	Values []KeyValue `yaml:"values"`
}

// KeyValue is one query-string pair; an empty Key matches the value under any key.
type KeyValue struct {
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
}

// Action types.
const (
	ActionForward       = "forward"
	ActionRedirect      = "redirect"
	ActionFixedResponse = "fixed-response"
)

// Action is what a rule (or the default rule) does with a request.
type Action struct {
	Type string `yaml:"type"`
	// Order is 1..50000; only needed when a rule has several actions. 0 means unset.
	Order int `yaml:"order"`
	// TargetGroupName or TargetGroupARN is the short form of a forward to one target group.
	TargetGroupName     string               `yaml:"target_group_name"`
	TargetGroupARN      string               `yaml:"target_group_arn"`
	ForwardConfig       *ForwardConfig       `yaml:"forward_config"`
	RedirectConfig      *RedirectConfig      `yaml:"redirect_config"`
	FixedResponseConfig *FixedResponseConfig `yaml:"fixed_response_config"`
	// The authentication actions' configs (model_auth.go).
	AuthenticateOidcConfig    *AuthenticateOidcConfig    `yaml:"authenticate_oidc_config"`
	AuthenticateCognitoConfig *AuthenticateCognitoConfig `yaml:"authenticate_cognito_config"`
	JwtValidationConfig       *JwtValidationConfig       `yaml:"jwt_validation_config"`
}

// ForwardConfig forwards to one or more weighted target groups (FWD-01..03).
type ForwardConfig struct {
	TargetGroups                []TargetGroupTuple           `yaml:"target_groups"`
	TargetGroupStickinessConfig *TargetGroupStickinessConfig `yaml:"target_group_stickiness_config"`
}

// TargetGroupTuple is one weighted target group of a forward action.
type TargetGroupTuple struct {
	TargetGroupName string `yaml:"target_group_name"`
	TargetGroupARN  string `yaml:"target_group_arn"`
	// Weight is 0..999. nil means unset: allowed (as 1) only when there is a single target group.
	Weight *int `yaml:"weight"`
}

// TargetGroupStickinessConfig pins a client to the target group first chosen for it.
type TargetGroupStickinessConfig struct {
	Enabled bool `yaml:"enabled"`
	// DurationSeconds is 1..604800, required when Enabled.
	DurationSeconds int `yaml:"duration_seconds"`
}

// RedirectConfig builds the Location of a redirect; empty fields keep the request's value
// (RDR-01, RDR-02).
type RedirectConfig struct {
	Protocol string `yaml:"protocol"`
	Port     string `yaml:"port"`
	Host     string `yaml:"host"`
	Path     string `yaml:"path"`
	// Query is nil when unset (keep the request's query); "" removes the query.
	Query *string `yaml:"query"`
	// StatusCode is HTTP_301 or HTTP_302.
	StatusCode string `yaml:"status_code"`
}

// FixedResponseConfig is the response a fixed-response action returns (FIX-01).
type FixedResponseConfig struct {
	StatusCode  string `yaml:"status_code"`
	ContentType string `yaml:"content_type"`
	MessageBody string `yaml:"message_body"`
}

// Target types.
const (
	TargetTypeInstance = "instance"
	TargetTypeIP       = "ip"
	TargetTypeLambda   = "lambda"
)

// TargetGroup is a set of targets that forward actions send requests to.
type TargetGroup struct {
	// Name is 1-32 letters, digits and hyphens, not starting or ending with a hyphen.
	Name string `yaml:"name"`
	// TargetType is instance, ip or lambda. Default instance.
	TargetType string `yaml:"target_type"`
	// Protocol is HTTP or HTTPS for instance and ip target groups. Default HTTP.
	Protocol string `yaml:"protocol"`
	// ProtocolVersion is HTTP1, HTTP2 or GRPC. Default HTTP1.
	ProtocolVersion string `yaml:"protocol_version"`
	// Port is the default port of targets that name none. Required for instance and ip.
	Port    int      `yaml:"port"`
	Targets []Target `yaml:"targets"`

	// Health check settings (§4.2); nil means the AWS default for the target type.
	HealthCheckEnabled         *bool    `yaml:"health_check_enabled"`
	HealthCheckProtocol        string   `yaml:"health_check_protocol"`
	HealthCheckPort            string   `yaml:"health_check_port"`
	HealthCheckPath            string   `yaml:"health_check_path"`
	HealthCheckIntervalSeconds *int     `yaml:"health_check_interval_seconds"`
	HealthCheckTimeoutSeconds  *int     `yaml:"health_check_timeout_seconds"`
	HealthyThresholdCount      *int     `yaml:"healthy_threshold_count"`
	UnhealthyThresholdCount    *int     `yaml:"unhealthy_threshold_count"`
	Matcher                    *Matcher `yaml:"matcher"`

	// Attributes are ELBv2 target group attributes (§10.3).
	Attributes map[string]string `yaml:"attributes"`
}

// Target is one registered target: an IP or instance address with a port, or a function name or
// ARN for lambda target groups.
type Target struct {
	ID string `yaml:"id"`
	// Port overrides the target group's port. 0 means the target group's port.
	Port             int    `yaml:"port"`
	AvailabilityZone string `yaml:"availability_zone"`
}

// Matcher holds the status codes a health check accepts, e.g. "200", "200,202" or "200-299".
type Matcher struct {
	HTTPCode string `yaml:"http_code"`
	GrpcCode string `yaml:"grpc_code"`
}

// Function is a Lambda function that Albatross runs itself.
type Function struct {
	FunctionName string `yaml:"function_name"`
	// Runtime is provided.al2023, provided.al2, provided, nodejs*.x or python3.*.
	Runtime string `yaml:"runtime"`
	// Handler is ignored for provided runtimes; file.export for Node.js; module.func for Python.
	Handler string `yaml:"handler"`
	// Code is the directory used as LAMBDA_TASK_ROOT, relative to the config file.
	Code string `yaml:"code"`
	// Build is "go" to build the Go main package in Code into bootstrap, or empty.
	Build string `yaml:"build"`
	// Timeout is in seconds, 1..900. nil means 3.
	Timeout *int `yaml:"timeout"`
	// MemorySize is in MB, 128..10240. nil means 128.
	MemorySize  *int         `yaml:"memory_size"`
	Environment *Environment `yaml:"environment"`
	// ReservedConcurrentExecutions caps environments at once. nil means unreserved (the account
	// limit applies, see DefaultConcurrencyLimit).
	ReservedConcurrentExecutions *int `yaml:"reserved_concurrent_executions"`
	// ProvisionedConcurrency environments are started at once and kept warm. Default 0.
	ProvisionedConcurrency int    `yaml:"provisioned_concurrency"`
	Description            string `yaml:"description"`
	// Unavailable, when set, says why Albatross cannot run this function (an importer sets it
	// for a runtime Albatross has no support for, or a container image). Albatross's own key:
	// the function is not started, its runtime, handler and code are not checked, and a target
	// group forwarding to it answers 502 with error_reason LambdaInvalidRuntimeException, as the
	// ALB does when Lambda cannot invoke a function (docs/import.md).
	Unavailable string `yaml:"unavailable"`
	// Albatross holds this function's settings of Albatross's own, with no Lambda API field
	// behind them. nil means every default.
	Albatross *FunctionSettings `yaml:"albatross"`
}

// FunctionSettings are one function's settings of Albatross's own (its `albatross:` block).
type FunctionSettings struct {
	// WatchCode false turns the developer loop off for this function: its code is read when an
	// environment starts and never watched (docs/functions.md "The developer loop"). nil or true
	// means watched whenever `albatross serve --watch-code` (the default) is on; the flag turns
	// watching off for every function.
	WatchCode *bool `yaml:"watch_code"`
}

// WatchesCode reports whether the function's own setting allows the developer loop.
func (f *Function) WatchesCode() bool {
	return f.Albatross == nil || f.Albatross.WatchCode == nil || *f.Albatross.WatchCode
}

// Environment holds a function's environment variables.
type Environment struct {
	Variables map[string]string `yaml:"variables"`
}
