package bundle

// The shapes below are the subset of the ELBv2 and Lambda API outputs that routing needs, with
// the API's member names, so that a bundle can also be put together by hand from `aws elbv2
// describe-*` and `aws lambda get-function` output. Members not listed are ignored.

// Bundle is a describe bundle: what `albatross capture` writes.
type Bundle struct {
	// Bundle marks the document: "albatross-describe-bundle/1".
	Bundle        string              `yaml:"Bundle"`
	Region        string              `yaml:"Region"`
	LoadBalancers []LoadBalancerEntry `yaml:"LoadBalancers"`
	TargetGroups  []TargetGroupEntry  `yaml:"TargetGroups"`
	Functions     []GetFunctionOutput `yaml:"Functions"`
}

// Marker is the value of the Bundle member.
const Marker = "albatross-describe-bundle/1"

// LoadBalancerEntry is one load balancer with its attributes and listeners.
type LoadBalancerEntry struct {
	LoadBalancer LoadBalancer    `yaml:"LoadBalancer"`
	Attributes   []Attribute     `yaml:"Attributes"`
	Listeners    []ListenerEntry `yaml:"Listeners"`
}

// LoadBalancer is a DescribeLoadBalancers item.
type LoadBalancer struct {
	LoadBalancerArn  string `yaml:"LoadBalancerArn"`
	LoadBalancerName string `yaml:"LoadBalancerName"`
	Type             string `yaml:"Type"`
	Scheme           string `yaml:"Scheme"`
	DNSName          string `yaml:"DNSName"`
}

// Attribute is a Key/Value pair of Describe*Attributes.
type Attribute struct {
	Key   string `yaml:"Key"`
	Value string `yaml:"Value"`
}

// ListenerEntry is one listener with its attributes and rules (DescribeRules, default rule
// included as AWS returns it).
type ListenerEntry struct {
	Listener   Listener    `yaml:"Listener"`
	Attributes []Attribute `yaml:"Attributes"`
	Rules      []Rule      `yaml:"Rules"`
}

// Listener is a DescribeListeners item.
type Listener struct {
	ListenerArn          string                `yaml:"ListenerArn"`
	LoadBalancerArn      string                `yaml:"LoadBalancerArn"`
	Port                 int                   `yaml:"Port"`
	Protocol             string                `yaml:"Protocol"`
	SslPolicy            string                `yaml:"SslPolicy"`
	Certificates         []Certificate         `yaml:"Certificates"`
	DefaultActions       []Action              `yaml:"DefaultActions"`
	MutualAuthentication *MutualAuthentication `yaml:"MutualAuthentication"`
}

// Certificate is a listener certificate.
type Certificate struct {
	CertificateArn string `yaml:"CertificateArn"`
	IsDefault      *bool  `yaml:"IsDefault"`
}

// MutualAuthentication is a listener's mutual TLS settings.
type MutualAuthentication struct {
	Mode string `yaml:"Mode"`
}

// Rule is a DescribeRules item.
type Rule struct {
	RuleArn    string      `yaml:"RuleArn"`
	Priority   string      `yaml:"Priority"`
	IsDefault  bool        `yaml:"IsDefault"`
	Conditions []Condition `yaml:"Conditions"`
	Actions    []Action    `yaml:"Actions"`
	Transforms []Transform `yaml:"Transforms"`
}

// Condition is a RuleCondition.
type Condition struct {
	Field                   string             `yaml:"Field"`
	Values                  []string           `yaml:"Values"`
	HostHeaderConfig        *ValuesConfig      `yaml:"HostHeaderConfig"`
	PathPatternConfig       *ValuesConfig      `yaml:"PathPatternConfig"`
	HTTPHeaderConfig        *HTTPHeaderConfig  `yaml:"HttpHeaderConfig"`
	HTTPRequestMethodConfig *ValuesConfig      `yaml:"HttpRequestMethodConfig"`
	QueryStringConfig       *QueryStringConfig `yaml:"QueryStringConfig"`
	SourceIPConfig          *ValuesConfig      `yaml:"SourceIpConfig"`
}

// ValuesConfig is a host, path, method or source IP condition's values.
type ValuesConfig struct {
	Values      []string `yaml:"Values"`
	RegexValues []string `yaml:"RegexValues"`
}

// HTTPHeaderConfig is an http-header condition's config.
type HTTPHeaderConfig struct {
	HTTPHeaderName string   `yaml:"HttpHeaderName"`
	Values         []string `yaml:"Values"`
	RegexValues    []string `yaml:"RegexValues"`
}

// QueryStringConfig is a query-string condition's config.
type QueryStringConfig struct {
	Values []KeyValue `yaml:"Values"`
}

// KeyValue is a query-string pair.
type KeyValue struct {
	Key   string `yaml:"Key"`
	Value string `yaml:"Value"`
}

// Action is a rule or default action.
type Action struct {
	Type                string               `yaml:"Type"`
	Order               int                  `yaml:"Order"`
	TargetGroupArn      string               `yaml:"TargetGroupArn"`
	ForwardConfig       *ForwardConfig       `yaml:"ForwardConfig"`
	RedirectConfig      *RedirectConfig      `yaml:"RedirectConfig"`
	FixedResponseConfig *FixedResponseConfig `yaml:"FixedResponseConfig"`
}

// ForwardConfig is a forward action's weighted target groups.
type ForwardConfig struct {
	TargetGroups                []TargetGroupTuple  `yaml:"TargetGroups"`
	TargetGroupStickinessConfig *StickinessSettings `yaml:"TargetGroupStickinessConfig"`
}

// TargetGroupTuple is one weighted target group.
type TargetGroupTuple struct {
	TargetGroupArn string `yaml:"TargetGroupArn"`
	Weight         *int   `yaml:"Weight"`
}

// StickinessSettings is a forward action's target group stickiness.
type StickinessSettings struct {
	Enabled         bool `yaml:"Enabled"`
	DurationSeconds int  `yaml:"DurationSeconds"`
}

// RedirectConfig is a redirect action's config.
type RedirectConfig struct {
	Protocol   string  `yaml:"Protocol"`
	Port       string  `yaml:"Port"`
	Host       string  `yaml:"Host"`
	Path       string  `yaml:"Path"`
	Query      *string `yaml:"Query"`
	StatusCode string  `yaml:"StatusCode"`
}

// FixedResponseConfig is a fixed-response action's config.
type FixedResponseConfig struct {
	StatusCode  string `yaml:"StatusCode"`
	ContentType string `yaml:"ContentType"`
	MessageBody string `yaml:"MessageBody"`
}

// Transform is a rule transform.
type Transform struct {
	Type                    string         `yaml:"Type"`
	HostHeaderRewriteConfig *RewriteConfig `yaml:"HostHeaderRewriteConfig"`
	URLRewriteConfig        *RewriteConfig `yaml:"UrlRewriteConfig"`
}

// RewriteConfig is a transform's rewrites.
type RewriteConfig struct {
	Rewrites []Rewrite `yaml:"Rewrites"`
}

// Rewrite is one regex rewrite.
type Rewrite struct {
	Regex   string `yaml:"Regex"`
	Replace string `yaml:"Replace"`
}

// TargetGroupEntry is one target group with its attributes and target health.
type TargetGroupEntry struct {
	TargetGroup              TargetGroup         `yaml:"TargetGroup"`
	Attributes               []Attribute         `yaml:"Attributes"`
	TargetHealthDescriptions []TargetDescription `yaml:"TargetHealthDescriptions"`
}

// TargetGroup is a DescribeTargetGroups item.
type TargetGroup struct {
	TargetGroupArn             string   `yaml:"TargetGroupArn"`
	TargetGroupName            string   `yaml:"TargetGroupName"`
	TargetType                 string   `yaml:"TargetType"`
	Protocol                   string   `yaml:"Protocol"`
	ProtocolVersion            string   `yaml:"ProtocolVersion"`
	Port                       int      `yaml:"Port"`
	HealthCheckEnabled         *bool    `yaml:"HealthCheckEnabled"`
	HealthCheckProtocol        string   `yaml:"HealthCheckProtocol"`
	HealthCheckPort            string   `yaml:"HealthCheckPort"`
	HealthCheckPath            string   `yaml:"HealthCheckPath"`
	HealthCheckIntervalSeconds *int     `yaml:"HealthCheckIntervalSeconds"`
	HealthCheckTimeoutSeconds  *int     `yaml:"HealthCheckTimeoutSeconds"`
	HealthyThresholdCount      *int     `yaml:"HealthyThresholdCount"`
	UnhealthyThresholdCount    *int     `yaml:"UnhealthyThresholdCount"`
	Matcher                    *Matcher `yaml:"Matcher"`
}

// Matcher is a health check's success codes.
type Matcher struct {
	HTTPCode string `yaml:"HttpCode"`
	GrpcCode string `yaml:"GrpcCode"`
}

// TargetDescription is a DescribeTargetHealth item (only the target is used).
type TargetDescription struct {
	Target struct {
		ID               string `yaml:"Id"`
		Port             int    `yaml:"Port"`
		AvailabilityZone string `yaml:"AvailabilityZone"`
	} `yaml:"Target"`
}

// GetFunctionOutput is Lambda's GetFunction output.
type GetFunctionOutput struct {
	Configuration struct {
		FunctionName string `yaml:"FunctionName"`
		FunctionArn  string `yaml:"FunctionArn"`
		Runtime      string `yaml:"Runtime"`
		Handler      string `yaml:"Handler"`
		Description  string `yaml:"Description"`
		Timeout      *int   `yaml:"Timeout"`
		MemorySize   *int   `yaml:"MemorySize"`
		PackageType  string `yaml:"PackageType"`
		Environment  *struct {
			Variables map[string]string `yaml:"Variables"`
		} `yaml:"Environment"`
	} `yaml:"Configuration"`
	Code struct {
		RepositoryType string `yaml:"RepositoryType"`
		Location       string `yaml:"Location"`
		ImageURI       string `yaml:"ImageUri"`
	} `yaml:"Code"`
	Concurrency *struct {
		ReservedConcurrentExecutions *int `yaml:"ReservedConcurrentExecutions"`
	} `yaml:"Concurrency"`
}
