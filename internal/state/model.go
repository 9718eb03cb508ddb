// Package state is Albatross's desired state: the configuration file's resources merged with the
// resources made through the control API. Every change is validated with the same
// config.Validate as the file, applied to the data plane, and persisted, all or nothing.
package state

import (
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

// Source says where a resource is defined.
type Source string

// Sources of resources: the configuration file is the source of truth for its resources, which
// the API shows but refuses to change.
const (
	SourceFile Source = "file"
	SourceAPI  Source = "api"
)

// Tag is one ELBv2 resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// LoadBalancer is a load balancer record. Spec.Listeners is always empty: listeners are records
// of their own so that each keeps a stable ARN.
type LoadBalancer struct {
	ARN           string              `json:"arn"`
	Source        Source              `json:"source"`
	Created       time.Time           `json:"created"`
	Scheme        string              `json:"scheme"`
	IPAddressType string              `json:"ip_address_type"`
	Tags          []Tag               `json:"tags,omitempty"`
	Spec          config.LoadBalancer `json:"spec"`
}

// Listener is a listener record. Spec.Rules is always empty: rules are records of their own.
type Listener struct {
	ARN             string          `json:"arn"`
	LoadBalancerARN string          `json:"load_balancer_arn"`
	DefaultRuleARN  string          `json:"default_rule_arn"`
	Source          Source          `json:"source"`
	Tags            []Tag           `json:"tags,omitempty"`
	Spec            config.Listener `json:"spec"`
}

// Rule is a (non-default) listener rule record. Its ARN does not change with its priority.
type Rule struct {
	ARN         string      `json:"arn"`
	ListenerARN string      `json:"listener_arn"`
	Source      Source      `json:"source"`
	Tags        []Tag       `json:"tags,omitempty"`
	Spec        config.Rule `json:"spec"`
}

// TargetGroup is a target group record.
type TargetGroup struct {
	ARN     string             `json:"arn"`
	Source  Source             `json:"source"`
	Created time.Time          `json:"created"`
	Tags    []Tag              `json:"tags,omitempty"`
	Spec    config.TargetGroup `json:"spec"`
	// Registered holds, in a Snapshot's record of a file target group, the targets registered
	// through the API (Spec stays as the file says). It is never persisted in a record: the
	// store keeps them in Resources.Registrations.
	Registered []config.Target `json:"-"`
}

// Function is a Lambda function record.
type Function struct {
	ARN          string            `json:"arn"`
	Source       Source            `json:"source"`
	LastModified time.Time         `json:"last_modified"`
	CodeSHA256   string            `json:"code_sha256,omitempty"`
	CodeSize     int64             `json:"code_size,omitempty"`
	Role         string            `json:"role,omitempty"`
	RevisionID   string            `json:"revision_id,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
	// Permissions are AddPermission statements, recorded and shown, never enforced.
	Permissions []Permission    `json:"permissions,omitempty"`
	Spec        config.Function `json:"spec"`
}

// Permission is one AddPermission call, kept as the resource policy statement it would create.
type Permission struct {
	StatementID string `json:"statement_id"`
	Action      string `json:"action"`
	Principal   string `json:"principal"`
	SourceARN   string `json:"source_arn,omitempty"`
}

// Resources is a set of records. The store keeps the API-made ones; a Snapshot holds all of them.
type Resources struct {
	LoadBalancers []LoadBalancer `json:"load_balancers"`
	Listeners     []Listener     `json:"listeners"`
	Rules         []Rule         `json:"rules"`
	TargetGroups  []TargetGroup  `json:"target_groups"`
	Functions     []Function     `json:"functions"`
	// Registrations are the targets the API registered on the file's target groups.
	Registrations []Registration `json:"registrations,omitempty"`
}
