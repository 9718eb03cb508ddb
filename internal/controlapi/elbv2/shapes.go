package elbv2

// XML output shapes (docs/spec.md A.5, A.6 "Data shapes"). Element names are the model's,
// exact case; lists are wrapped in <member>; absent scalars are omitted, never empty (A.5.2).

type xmlLoadBalancer struct {
	LoadBalancerArn       string            `xml:"LoadBalancerArn"`
	DNSName               string            `xml:"DNSName"`
	CanonicalHostedZoneID string            `xml:"CanonicalHostedZoneId"`
	CreatedTime           string            `xml:"CreatedTime"`
	LoadBalancerName      string            `xml:"LoadBalancerName"`
	Scheme                string            `xml:"Scheme"`
	VpcID                 string            `xml:"VpcId"`
	State                 xmlState          `xml:"State"`
	Type                  string            `xml:"Type"`
	AvailabilityZones     []xmlAvailability `xml:"AvailabilityZones>member"`
	SecurityGroups        []string          `xml:"SecurityGroups>member"`
	IPAddressType         string            `xml:"IpAddressType"`
}

type xmlState struct {
	Code string `xml:"Code"`
}

type xmlAvailability struct {
	ZoneName string `xml:"ZoneName"`
	SubnetID string `xml:"SubnetId"`
}

type xmlTargetGroup struct {
	TargetGroupArn             string    `xml:"TargetGroupArn"`
	TargetGroupName            string    `xml:"TargetGroupName"`
	Protocol                   string    `xml:"Protocol,omitempty"`
	Port                       *int      `xml:"Port,omitempty"`
	VpcID                      string    `xml:"VpcId,omitempty"`
	HealthCheckProtocol        string    `xml:"HealthCheckProtocol,omitempty"`
	HealthCheckPort            string    `xml:"HealthCheckPort,omitempty"`
	HealthCheckEnabled         bool      `xml:"HealthCheckEnabled"`
	HealthCheckIntervalSeconds int       `xml:"HealthCheckIntervalSeconds"`
	HealthCheckTimeoutSeconds  int       `xml:"HealthCheckTimeoutSeconds"`
	HealthyThresholdCount      int       `xml:"HealthyThresholdCount"`
	UnhealthyThresholdCount    int       `xml:"UnhealthyThresholdCount"`
	HealthCheckPath            string    `xml:"HealthCheckPath,omitempty"`
	Matcher                    *xmlMatch `xml:"Matcher,omitempty"`
	LoadBalancerArns           []string  `xml:"LoadBalancerArns>member"`
	TargetType                 string    `xml:"TargetType"`
	ProtocolVersion            string    `xml:"ProtocolVersion,omitempty"`
	IPAddressType              string    `xml:"IpAddressType,omitempty"`
}

type xmlMatch struct {
	HTTPCode string `xml:"HttpCode,omitempty"`
	GrpcCode string `xml:"GrpcCode,omitempty"`
}

type xmlListener struct {
	ListenerArn     string      `xml:"ListenerArn"`
	LoadBalancerArn string      `xml:"LoadBalancerArn"`
	Port            int         `xml:"Port"`
	Protocol        string      `xml:"Protocol"`
	Certificates    []xmlCert   `xml:"Certificates>member,omitempty"`
	SslPolicy       string      `xml:"SslPolicy,omitempty"`
	DefaultActions  []xmlAction `xml:"DefaultActions>member"`
}

type xmlCert struct {
	CertificateArn string `xml:"CertificateArn"`
	IsDefault      bool   `xml:"IsDefault"`
}

type xmlRule struct {
	RuleArn    string         `xml:"RuleArn"`
	Priority   string         `xml:"Priority"`
	Conditions []xmlCondition `xml:"Conditions>member"`
	Actions    []xmlAction    `xml:"Actions>member"`
	IsDefault  bool           `xml:"IsDefault"`
	Transforms *xmlTransforms `xml:"Transforms,omitempty"`
}

type xmlAction struct {
	Type                string            `xml:"Type"`
	TargetGroupArn      string            `xml:"TargetGroupArn,omitempty"`
	Order               *int              `xml:"Order,omitempty"`
	ForwardConfig       *xmlForward       `xml:"ForwardConfig,omitempty"`
	RedirectConfig      *xmlRedirect      `xml:"RedirectConfig,omitempty"`
	FixedResponseConfig *xmlFixedResponse `xml:"FixedResponseConfig,omitempty"`
	// Authentication configs (auth_actions.go).
	AuthenticateOidcConfig    *xmlOidc    `xml:"AuthenticateOidcConfig,omitempty"`
	AuthenticateCognitoConfig *xmlCognito `xml:"AuthenticateCognitoConfig,omitempty"`
	JwtValidationConfig       *xmlJwt     `xml:"JwtValidationConfig,omitempty"`
}

type xmlForward struct {
	TargetGroups                []xmlTuple     `xml:"TargetGroups>member"`
	TargetGroupStickinessConfig *xmlStickiness `xml:"TargetGroupStickinessConfig,omitempty"`
}

type xmlTuple struct {
	TargetGroupArn string `xml:"TargetGroupArn"`
	Weight         *int   `xml:"Weight,omitempty"`
}

type xmlStickiness struct {
	Enabled         bool `xml:"Enabled"`
	DurationSeconds *int `xml:"DurationSeconds,omitempty"`
}

type xmlRedirect struct {
	Protocol   string  `xml:"Protocol,omitempty"`
	Port       string  `xml:"Port,omitempty"`
	Host       string  `xml:"Host,omitempty"`
	Path       string  `xml:"Path,omitempty"`
	Query      *string `xml:"Query"`
	StatusCode string  `xml:"StatusCode"`
}

type xmlFixedResponse struct {
	MessageBody string `xml:"MessageBody,omitempty"`
	StatusCode  string `xml:"StatusCode"`
	ContentType string `xml:"ContentType,omitempty"`
}

type xmlCondition struct {
	Field                   string         `xml:"Field"`
	Values                  []string       `xml:"Values>member,omitempty"`
	HostHeaderConfig        *xmlValues     `xml:"HostHeaderConfig,omitempty"`
	PathPatternConfig       *xmlValues     `xml:"PathPatternConfig,omitempty"`
	HTTPHeaderConfig        *xmlHeader     `xml:"HttpHeaderConfig,omitempty"`
	HTTPRequestMethodConfig *xmlValues     `xml:"HttpRequestMethodConfig,omitempty"`
	QueryStringConfig       *xmlQueryValue `xml:"QueryStringConfig,omitempty"`
	SourceIPConfig          *xmlValues     `xml:"SourceIpConfig,omitempty"`
}

type xmlValues struct {
	Values      []string    `xml:"Values>member"`
	RegexValues *xmlStrings `xml:"RegexValues,omitempty"`
}

// xmlStrings is an optional string list: a nil pointer omits the element, which a
// `Name>member,omitempty` slice would still write as an empty wrapper.
type xmlStrings struct {
	Members []string `xml:"member"`
}

// optionalStrings is nil for an empty list, so the element is left out (A.5.2).
func optionalStrings(s []string) *xmlStrings {
	if len(s) == 0 {
		return nil
	}
	return &xmlStrings{Members: s}
}

type xmlHeader struct {
	HTTPHeaderName string      `xml:"HttpHeaderName"`
	Values         []string    `xml:"Values>member"`
	RegexValues    *xmlStrings `xml:"RegexValues,omitempty"`
}

type xmlQueryValue struct {
	Values []xmlKeyValue `xml:"Values>member"`
}

type xmlKeyValue struct {
	Key   string `xml:"Key,omitempty"`
	Value string `xml:"Value"`
}

type xmlAttribute struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type xmlTagDescription struct {
	ResourceArn string   `xml:"ResourceArn"`
	Tags        []xmlTag `xml:"Tags>member"`
}

type xmlTargetHealthDescription struct {
	Target          xmlTarget       `xml:"Target"`
	HealthCheckPort string          `xml:"HealthCheckPort,omitempty"`
	TargetHealth    xmlTargetHealth `xml:"TargetHealth"`
}

type xmlTarget struct {
	ID               string `xml:"Id"`
	Port             *int   `xml:"Port,omitempty"`
	AvailabilityZone string `xml:"AvailabilityZone,omitempty"`
}

type xmlTargetHealth struct {
	State       string `xml:"State"`
	Reason      string `xml:"Reason,omitempty"`
	Description string `xml:"Description,omitempty"`
}
