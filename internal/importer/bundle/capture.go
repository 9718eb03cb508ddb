package bundle

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// ELBv2 is the part of the ELBv2 API that Capture reads.
type ELBv2 interface {
	elb.DescribeLoadBalancersAPIClient
	elb.DescribeListenersAPIClient
	elb.DescribeTargetGroupsAPIClient
	DescribeLoadBalancerAttributes(context.Context, *elb.DescribeLoadBalancerAttributesInput, ...func(*elb.Options)) (*elb.DescribeLoadBalancerAttributesOutput, error)
	DescribeListenerAttributes(context.Context, *elb.DescribeListenerAttributesInput, ...func(*elb.Options)) (*elb.DescribeListenerAttributesOutput, error)
	DescribeRules(context.Context, *elb.DescribeRulesInput, ...func(*elb.Options)) (*elb.DescribeRulesOutput, error)
	DescribeTargetGroupAttributes(context.Context, *elb.DescribeTargetGroupAttributesInput, ...func(*elb.Options)) (*elb.DescribeTargetGroupAttributesOutput, error)
	DescribeTargetHealth(context.Context, *elb.DescribeTargetHealthInput, ...func(*elb.Options)) (*elb.DescribeTargetHealthOutput, error)
}

// Lambda is the part of the Lambda API that Capture reads.
type Lambda interface {
	GetFunction(context.Context, *lambda.GetFunctionInput, ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error)
}

// Captured is a bundle as Capture writes it: the API's own output shapes, marshalled to JSON
// with their member names.
type Captured struct {
	Bundle        string
	Region        string
	LoadBalancers []CapturedLoadBalancer
	TargetGroups  []CapturedTargetGroup
	Functions     []CapturedFunction
}

// CapturedLoadBalancer is a load balancer with its attributes and listeners.
type CapturedLoadBalancer struct {
	LoadBalancer elbtypes.LoadBalancer
	Attributes   []elbtypes.LoadBalancerAttribute
	Listeners    []CapturedListener
}

// CapturedListener is a listener with its attributes and rules.
type CapturedListener struct {
	Listener   elbtypes.Listener
	Attributes []elbtypes.ListenerAttribute
	Rules      []elbtypes.Rule
}

// CapturedTargetGroup is a target group with its attributes and target health.
type CapturedTargetGroup struct {
	TargetGroup              elbtypes.TargetGroup
	Attributes               []elbtypes.TargetGroupAttribute
	TargetHealthDescriptions []elbtypes.TargetHealthDescription
}

// CapturedFunction is GetFunction's output without the SDK's response metadata.
type CapturedFunction struct {
	Configuration *lambdatypes.FunctionConfiguration
	Code          *lambdatypes.FunctionCodeLocation
	Concurrency   *lambdatypes.Concurrency
	Tags          map[string]string
}

// maxTargetGroupsPerCall is DescribeTargetGroups' limit on TargetGroupArns.
const maxTargetGroupsPerCall = 20

// Capture describes the named application load balancers (all of them when names is empty),
// every target group their listeners and rules forward to, and every function those target
// groups invoke. It makes only Describe and Get calls.
func Capture(ctx context.Context, api ELBv2, fns Lambda, region string, names []string) (*Captured, error) {
	out := &Captured{Bundle: Marker, Region: region}
	in := &elb.DescribeLoadBalancersInput{}
	if len(names) > 0 {
		in.Names = names
	}
	var lbs []elbtypes.LoadBalancer
	for p := elb.NewDescribeLoadBalancersPaginator(api, in); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeLoadBalancers: %w", err)
		}
		lbs = append(lbs, page.LoadBalancers...)
	}
	var tgARNs []string
	for _, lb := range lbs {
		if lb.Type != elbtypes.LoadBalancerTypeEnumApplication {
			continue
		}
		c, err := captureLoadBalancer(ctx, api, lb)
		if err != nil {
			return nil, err
		}
		out.LoadBalancers = append(out.LoadBalancers, c)
		for _, l := range c.Listeners {
			tgARNs = appendTargetGroups(tgARNs, l.Listener.DefaultActions)
			for _, r := range l.Rules {
				tgARNs = appendTargetGroups(tgARNs, r.Actions)
			}
		}
	}
	var err error
	if out.TargetGroups, err = captureTargetGroups(ctx, api, tgARNs); err != nil {
		return nil, err
	}
	if out.Functions, err = captureFunctions(ctx, fns, out.TargetGroups); err != nil {
		return nil, err
	}
	return out, nil
}

func captureLoadBalancer(ctx context.Context, api ELBv2, lb elbtypes.LoadBalancer) (CapturedLoadBalancer, error) {
	c := CapturedLoadBalancer{LoadBalancer: lb}
	attrs, err := api.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn})
	if err != nil {
		return c, fmt.Errorf("DescribeLoadBalancerAttributes %s: %w", aws.ToString(lb.LoadBalancerName), err)
	}
	c.Attributes = attrs.Attributes
	for p := elb.NewDescribeListenersPaginator(api, &elb.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return c, fmt.Errorf("DescribeListeners %s: %w", aws.ToString(lb.LoadBalancerName), err)
		}
		for _, l := range page.Listeners {
			cl, err := captureListener(ctx, api, l)
			if err != nil {
				return c, err
			}
			c.Listeners = append(c.Listeners, cl)
		}
	}
	return c, nil
}

func captureListener(ctx context.Context, api ELBv2, l elbtypes.Listener) (CapturedListener, error) {
	c := CapturedListener{Listener: l}
	attrs, err := api.DescribeListenerAttributes(ctx, &elb.DescribeListenerAttributesInput{ListenerArn: l.ListenerArn})
	if err != nil {
		return c, fmt.Errorf("DescribeListenerAttributes %s: %w", aws.ToString(l.ListenerArn), err)
	}
	c.Attributes = attrs.Attributes
	in := &elb.DescribeRulesInput{ListenerArn: l.ListenerArn}
	for {
		page, err := api.DescribeRules(ctx, in)
		if err != nil {
			return c, fmt.Errorf("DescribeRules %s: %w", aws.ToString(l.ListenerArn), err)
		}
		c.Rules = append(c.Rules, page.Rules...)
		if aws.ToString(page.NextMarker) == "" {
			return c, nil
		}
		in.Marker = page.NextMarker
	}
}

// appendTargetGroups adds the target groups actions forward to, once each.
func appendTargetGroups(arns []string, actions []elbtypes.Action) []string {
	add := func(arn *string) {
		if a := aws.ToString(arn); a != "" && !slices.Contains(arns, a) {
			arns = append(arns, a)
		}
	}
	for _, a := range actions {
		add(a.TargetGroupArn)
		if a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				add(t.TargetGroupArn)
			}
		}
	}
	return arns
}

func captureTargetGroups(ctx context.Context, api ELBv2, arns []string) ([]CapturedTargetGroup, error) {
	var out []CapturedTargetGroup
	for chunk := range slices.Chunk(arns, maxTargetGroupsPerCall) {
		for p := elb.NewDescribeTargetGroupsPaginator(api, &elb.DescribeTargetGroupsInput{TargetGroupArns: chunk}); p.HasMorePages(); {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("DescribeTargetGroups: %w", err)
			}
			for _, tg := range page.TargetGroups {
				c := CapturedTargetGroup{TargetGroup: tg}
				attrs, err := api.DescribeTargetGroupAttributes(ctx, &elb.DescribeTargetGroupAttributesInput{TargetGroupArn: tg.TargetGroupArn})
				if err != nil {
					return nil, fmt.Errorf("DescribeTargetGroupAttributes %s: %w", aws.ToString(tg.TargetGroupName), err)
				}
				c.Attributes = attrs.Attributes
				health, err := api.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn})
				if err != nil {
					return nil, fmt.Errorf("DescribeTargetHealth %s: %w", aws.ToString(tg.TargetGroupName), err)
				}
				c.TargetHealthDescriptions = health.TargetHealthDescriptions
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// captureFunctions gets the configuration of every function a lambda target group invokes,
// once per function (an alias target names the same function).
func captureFunctions(ctx context.Context, fns Lambda, tgs []CapturedTargetGroup) ([]CapturedFunction, error) {
	var out []CapturedFunction
	seen := map[string]bool{}
	for _, tg := range tgs {
		if tg.TargetGroup.TargetType != elbtypes.TargetTypeEnumLambda {
			continue
		}
		for _, d := range tg.TargetHealthDescriptions {
			id := aws.ToString(d.Target.Id)
			name := functionName(id)
			if name == "" || seen[name] {
				continue
			}
			seen[name] = true
			got, err := fns.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
			if err != nil {
				return nil, fmt.Errorf("GetFunction %s: %w", name, err)
			}
			out = append(out, CapturedFunction{Configuration: got.Configuration, Code: got.Code, Concurrency: got.Concurrency, Tags: got.Tags})
		}
	}
	return out, nil
}

// functionName is the unqualified function ARN of a lambda target id (a function ARN,
// possibly qualified by an alias or version).
func functionName(id string) string {
	f := strings.Split(id, ":")
	if len(f) >= 7 && f[2] == "lambda" {
		return strings.Join(f[:7], ":")
	}
	return id
}
