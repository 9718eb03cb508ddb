package elbv2

import (
	"reflect"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

var listenerOps = map[string]operation{
	"CreateListener":    createListener,
	"DescribeListeners": describeListeners,
	"ModifyListener":    modifyListener,
	"DeleteListener":    deleteListener,
}

type listenersResult struct {
	Listeners  []xmlListener `xml:"Listeners>member"`
	NextMarker string        `xml:"NextMarker,omitempty"`
}

// listenerInput is what CreateListener and ModifyListener may set.
type listenerInput struct {
	port           *int
	protocol       string
	sslPolicy      *string
	defaultActions []config.Action
	// certificateARNs names the default certificate (at most one); see listener_certificates.go.
	certificateARNs []string
}

func parseListenerInput(f controlapi.Form) (listenerInput, error) {
	var in listenerInput
	var err error
	if in.port, err = f.Int("Port"); err != nil {
		return in, err
	}
	in.protocol = f.String("Protocol")
	switch in.protocol {
	case "", config.ProtocolHTTP, config.ProtocolHTTPS:
	default:
		return in, controlapi.Errorf("UnsupportedProtocol", "Protocol '%s' is not supported by application load balancers", in.protocol)
	}
	if in.certificateARNs, err = certificateARNs(f); err != nil {
		return in, err
	}
	in.sslPolicy = f.StringPtr("SslPolicy")
	in.defaultActions, err = parseActions(f, "DefaultActions")
	return in, err
}

func createListener(c *call) (any, error) {
	if err := c.form.Require("LoadBalancerArn", "DefaultActions"); err != nil {
		return nil, err
	}
	in, err := parseListenerInput(c.form)
	if err != nil {
		return nil, err
	}
	if in.port == nil {
		return nil, controlapi.Errorf("ValidationError", "A listener port must be specified")
	}
	tags, err := parseTags(c.form)
	if err != nil {
		return nil, err
	}
	lbARN := c.form.String("LoadBalancerArn")
	var l state.Listener
	err = c.update(func(snap *state.Snapshot, api *state.Resources) error {
		lb := snap.LoadBalancer(lbARN)
		switch {
		case lb == nil:
			return lbNotFound()
		case lb.Source == state.SourceFile:
			return fileOwned("Load balancer", lbARN)
		}
		spec := config.Listener{Port: *in.port, Protocol: orDefault(in.protocol, config.ProtocolHTTP),
			Address: state.ListenerAddress(lb.Scheme), DefaultActions: in.defaultActions}
		if err := c.setTLS(snap, &spec, in); err != nil {
			return err
		}
		for _, old := range snap.ListenersOf(lbARN) {
			if old.Spec.Port != *in.port {
				continue
			}
			// The same listener again succeeds and returns it, as on AWS.
			if old.Spec.EffectiveProtocol() == spec.Protocol && reflect.DeepEqual(old.Spec.DefaultActions, in.defaultActions) &&
				reflect.DeepEqual(old.Spec.Certificates, spec.Certificates) && old.Spec.SSLPolicy == spec.SSLPolicy {
				l = *old
				return errUnchanged
			}
			return controlapi.Errorf("DuplicateListener", "A listener already exists on this port for this load balancer")
		}
		arn := strings.Replace(lbARN, ":loadbalancer/", ":listener/", 1) + "/" + c.h.newID()
		l = state.Listener{ARN: arn, LoadBalancerARN: lbARN, Source: state.SourceAPI, Tags: tags,
			DefaultRuleARN: strings.Replace(arn, ":listener/", ":listener-rule/", 1) + "/" + c.h.newID(),
			Spec:           spec}
		api.Listeners = append(api.Listeners, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return listenersResult{Listeners: []xmlListener{renderListener(&l, c.h.store.Snapshot().Config)}}, nil
}

// setTLS applies the TLS part of a CreateListener or ModifyListener call to spec, whose protocol
// is already the new one. An HTTPS listener needs a default certificate (the call's, or the one
// it had); a listener that becomes HTTP drops its certificates and policy, as on AWS.
func (c *call) setTLS(snap *state.Snapshot, spec *config.Listener, in listenerInput) error {
	if spec.EffectiveProtocol() != config.ProtocolHTTPS {
		if len(in.certificateARNs) > 0 || (in.sslPolicy != nil && *in.sslPolicy != "") {
			return controlapi.Errorf("ValidationError", "Certificates and an SSL policy are only for HTTPS listeners")
		}
		spec.Certificates, spec.SSLPolicy, spec.MutualAuthentication = nil, "", nil
		return nil
	}
	if in.sslPolicy != nil {
		spec.SSLPolicy = *in.sslPolicy
	}
	if len(in.certificateARNs) == 0 {
		if len(spec.Certificates) == 0 {
			return controlapi.Errorf("ValidationError", "A certificate must be specified for HTTPS listeners")
		}
		return nil
	}
	cert, err := c.h.resolveCertificate(snap, in.certificateARNs[0])
	if err != nil {
		return err
	}
	// The call sets the default certificate; others the listener has stay.
	if len(spec.Certificates) == 0 {
		spec.Certificates = []config.Certificate{cert}
	} else {
		spec.Certificates = append([]config.Certificate{cert}, spec.Certificates[1:]...)
	}
	return nil
}

// dupListener reports whether another listener of the load balancer uses port.
func dupListener(snap *state.Snapshot, lbARN, except string, port int) bool {
	for _, l := range snap.ListenersOf(lbARN) {
		if l.ARN != except && l.Spec.Port == port {
			return true
		}
	}
	return false
}

func describeListeners(c *call) (any, error) {
	arns, lbARN := c.form.Strings("ListenerArns"), c.form.String("LoadBalancerArn")
	var ls []*state.Listener
	switch {
	case len(arns) > 0:
		for _, arn := range arns {
			l := c.snap.Listener(arn)
			if l == nil {
				return nil, listenerNotFound()
			}
			ls = append(ls, l)
		}
	case lbARN != "":
		if c.snap.LoadBalancer(lbARN) == nil {
			return nil, lbNotFound()
		}
		ls = c.snap.ListenersOf(lbARN)
	default:
		return nil, controlapi.Errorf("ValidationError", "You must specify either listener ARNs or a load balancer ARN")
	}
	start, end, next, err := page(c.form, len(ls))
	if err != nil {
		return nil, err
	}
	out := listenersResult{Listeners: []xmlListener{}, NextMarker: next}
	for _, l := range ls[start:end] {
		out.Listeners = append(out.Listeners, renderListener(l, c.snap.Config))
	}
	return out, nil
}

func modifyListener(c *call) (any, error) {
	if _, err := c.listener("ListenerArn"); err != nil {
		return nil, err
	}
	in, err := parseListenerInput(c.form)
	if err != nil {
		return nil, err
	}
	arn := c.form.String("ListenerArn")
	var l state.Listener
	err = c.update(func(snap *state.Snapshot, api *state.Resources) error {
		rec := api.Listener(arn)
		if rec == nil {
			return fileOwned("Listener", arn)
		}
		if in.port != nil {
			if dupListener(snap, rec.LoadBalancerARN, arn, *in.port) {
				return controlapi.Errorf("DuplicateListener", "A listener already exists on this port for this load balancer")
			}
			rec.Spec.Port = *in.port
		}
		if in.protocol != "" {
			rec.Spec.Protocol = in.protocol
		}
		if err := c.setTLS(snap, &rec.Spec, in); err != nil {
			return err
		}
		if len(in.defaultActions) > 0 {
			keepClientSecrets(rec.Spec.DefaultActions, in.defaultActions)
			rec.Spec.DefaultActions = in.defaultActions
		}
		l = *rec
		return nil
	})
	if err != nil {
		return nil, err
	}
	return listenersResult{Listeners: []xmlListener{renderListener(&l, c.h.store.Snapshot().Config)}}, nil
}

// deleteListener closes the listener's port after requests in flight finish, and deletes its
// rules.
func deleteListener(c *call) (any, error) {
	if _, err := c.listener("ListenerArn"); err != nil {
		return nil, err
	}
	arn := c.form.String("ListenerArn")
	return nil, c.update(func(snap *state.Snapshot, api *state.Resources) error {
		if api.Listener(arn) == nil {
			return fileOwned("Listener", arn)
		}
		api.DeleteListener(arn)
		return nil
	})
}

// listener returns the listener whose ARN is in the form at key.
func (c *call) listener(key string) (*state.Listener, error) {
	return lookup(c, key, c.snap.Listener, listenerNotFound)
}

func listenerNotFound() error {
	return controlapi.Errorf("ListenerNotFound", "One or more listeners not found")
}
