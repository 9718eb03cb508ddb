// Package elbv2 serves the Elastic Load Balancing v2 Query API (version 2015-12-01) over the
// desired state, so that the aws CLI and the AWS SDKs manage Albatross's load balancers, target
// groups, listeners and rules (docs/spec.md Part A).
package elbv2

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

// apiVersion is the only version the Query API accepts (A.1).
const apiVersion = "2015-12-01"

// Handler serves the ELBv2 API at POST / (and GET /, which the protocol allows). It is safe for
// concurrent use; changes are serialised by the store.
type Handler struct {
	store  *state.Store
	health HealthSource
	log    *slog.Logger
	newID  func() string
	// weights are a shift controller's (nil: none).
	weights WeightSource
	// certDir is Options.CertificateDir.
	certDir string
}

// Options configure a Handler.
type Options struct {
	// Store is the desired state the API reads and changes. Required.
	Store *state.Store
	// Health reports target health for DescribeTargetHealth. nil means every registered target
	// is reported healthy (or unavailable when health checks are off, HC-04).
	Health HealthSource
	// Weights reports the forward weights a shift controller has set (docs/strangler.md), which
	// DescribeRules shows instead of the configured ones. nil means the configured ones.
	Weights WeightSource
	// Logger receives one line per failed change. nil means slog.Default().
	Logger *slog.Logger
	// NewID returns the 16-hex-character ID of a new listener or rule. nil means random IDs;
	// tests set it to get stable ARNs.
	NewID func() string
	// CertificateDir is the folder of certificates that HTTPS listeners created through the API
	// may name by ARN besides those of the configuration file's listeners: <name>.pem (chain,
	// leaf first) with <name>.key (docs/api.md "HTTPS listeners"). "" means none.
	CertificateDir string
}

// New returns the ELBv2 API handler.
func New(opts Options) *Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Health == nil {
		opts.Health = registeredHealth{}
	}
	if opts.NewID == nil {
		opts.NewID = newID
	}
	return &Handler{store: opts.Store, health: opts.Health, log: opts.Logger, newID: opts.NewID, weights: opts.Weights,
		certDir: opts.CertificateDir}
}

// call is one API request being served.
type call struct {
	ctx  context.Context
	form controlapi.Form
	snap *state.Snapshot
	h    *Handler
}

type operation func(c *call) (any, error)

// operations maps every Action to its implementation (A.6 and the minimum subset).
var operations map[string]operation

func init() {
	operations = map[string]operation{}
	for _, set := range []map[string]operation{loadBalancerOps, targetGroupOps, targetOps, listenerOps, ruleOps, tagOps, extraOps} {
		for name, op := range set {
			operations[name] = op
		}
	}
}

// ServeHTTP decodes the form, dispatches on Action and writes the Result envelope or the error.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	form, err := controlapi.ParseForm(r)
	if err != nil {
		h.fail(w, r, "", err)
		return
	}
	action := form.String("Action")
	if action == "" {
		h.fail(w, r, action, controlapi.Errorf("MissingAction", "Missing Action"))
		return
	}
	if v := form.String("Version"); v != apiVersion {
		h.fail(w, r, action, controlapi.Errorf("InvalidParameterValue", "Version must be %s for this service, got %q", apiVersion, v))
		return
	}
	op, ok := operations[action]
	if !ok {
		h.fail(w, r, action, controlapi.Errorf("InvalidAction", "Could not find operation %s for version %s", action, apiVersion))
		return
	}
	result, err := op(&call{ctx: r.Context(), form: form, snap: h.store.Snapshot(), h: h})
	if err != nil {
		h.fail(w, r, action, err)
		return
	}
	controlapi.WriteQueryResult(w, r, action, result)
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, action string, err error) {
	e := toAPIError(err)
	if e.Status >= 500 {
		h.log.Error("elbv2 request failed", "action", action, "error", err)
	} else {
		h.log.Debug("elbv2 request refused", "action", action, "code", e.Code, "message", e.Message)
	}
	controlapi.WriteQueryError(w, r, e)
}

// toAPIError maps the store's errors to ELBv2 codes: an invalid result is a ValidationError with
// every problem, a data plane that cannot take the change (a port in use) an
// InvalidConfigurationRequest; both are 400 so that clients do not retry (A.4).
func toAPIError(err error) *controlapi.Error {
	var (
		apiErr  *controlapi.Error
		invalid *state.InvalidError
		apply   *state.ApplyError
	)
	switch {
	case errors.As(err, &apiErr):
		return apiErr
	case errors.As(err, &invalid):
		return controlapi.Errorf("ValidationError", "%s", invalid.Error())
	case errors.As(err, &apply):
		return controlapi.Errorf("InvalidConfigurationRequest", "%s", apply.Error())
	case errors.Is(err, state.ErrUnavailable):
		return storeUnavailable(err)
	}
	return &controlapi.Error{Code: "InternalFailure", Message: err.Error(), Status: http.StatusInternalServerError}
}

// storeUnavailable is AWS's common ServiceUnavailable (503, which SDKs retry): the shared store
// cannot be reached, so the change was not made (docs/cluster.md).
func storeUnavailable(err error) *controlapi.Error {
	return &controlapi.Error{Code: "ServiceUnavailable", Message: err.Error(), Status: http.StatusServiceUnavailable}
}

// errUnchanged lets a change say that the request is already satisfied (an identical resource
// exists): the call succeeds without touching the data plane.
var errUnchanged = errors.New("elbv2: nothing to change")

// update runs change against the store; see state.Store.Update.
func (c *call) update(change func(snap *state.Snapshot, api *state.Resources) error) error {
	err := c.h.store.Update(c.ctx, change)
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// fileOwned refuses changes to a resource that the configuration file defines: the file is its
// source of truth, and an API change would be lost at its next reload.
func fileOwned(kind, arn string) error {
	return controlapi.Errorf("OperationNotPermitted",
		"%s %s is defined in the configuration file; change it there (Albatross reloads the file on change)", kind, arn)
}
