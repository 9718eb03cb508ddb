package targetgroup

import "net/http"

// LambdaGroup is a Lambda target group as a forward destination: every request goes to its one
// function target (TG-01, LAM-01); there is nothing to pick among, and the function's health
// lives in the registry like any target's (HC-03, HC-04).
type LambdaGroup struct {
	arn    string
	target LambdaTarget
}

// LambdaTarget serves a request by invoking the group's function (the Lambda target does),
// returning the failure the load balancer answers for, if any.
type LambdaTarget interface {
	ServeHTTP(w http.ResponseWriter, r *http.Request) error
}

// NewLambdaGroup returns the Lambda target group arn whose requests target serves.
func NewLambdaGroup(arn string, target LambdaTarget) *LambdaGroup {
	return &LambdaGroup{arn: arn, target: target}
}

// ServeHTTP sends the request to the group's function.
func (g *LambdaGroup) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	return g.target.ServeHTTP(w, r)
}

// TargetGroupARN identifies the group.
func (g *LambdaGroup) TargetGroupARN() string { return g.arn }
