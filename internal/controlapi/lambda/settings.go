package lambda

import (
	"encoding/json"
	"net/http"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

// updateConfigInput is the UpdateFunctionConfiguration request body; absent members keep their
// value.
type updateConfigInput struct {
	Runtime     *string
	Handler     *string
	Description *string
	Role        *string
	Timeout     *int
	MemorySize  *int
	Environment *environment
}

func (h *Handler) updateFunctionConfiguration(w http.ResponseWriter, r *http.Request) {
	var in updateConfigInput
	if err := decodeJSON(r, &in); err != nil {
		h.fail(w, err)
		return
	}
	_, fn, err := h.resolve(r)
	if err != nil {
		h.fail(w, err)
		return
	}
	h.change(w, r, fn.Spec.FunctionName, func(f *state.Function) error {
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&f.Spec.Runtime, in.Runtime)
		set(&f.Spec.Handler, in.Handler)
		set(&f.Spec.Description, in.Description)
		set(&f.Role, in.Role)
		if in.Timeout != nil {
			f.Spec.Timeout = in.Timeout
		}
		if in.MemorySize != nil {
			f.Spec.MemorySize = in.MemorySize
		}
		if in.Environment != nil {
			f.Spec.Environment = &config.Environment{Variables: in.Environment.Variables}
		}
		return nil
	})
}

// deleteFunction removes an API-made function and stops it; 204 as in Lambda. A function that a
// Lambda target group still names cannot be deleted (the configuration would be invalid).
func (h *Handler) deleteFunction(w http.ResponseWriter, r *http.Request) {
	_, fn, err := h.resolve(r)
	if err != nil {
		h.fail(w, err)
		return
	}
	name := fn.Spec.FunctionName
	err = h.opts.Store.Update(r.Context(), func(snap *state.Snapshot, api *state.Resources) error {
		if api.Function(name) == nil {
			return fileOwned(name)
		}
		api.DeleteFunction(name)
		return nil
	})
	if err != nil {
		h.fail(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) putFunctionConcurrency(w http.ResponseWriter, r *http.Request) {
	var in struct{ ReservedConcurrentExecutions *int }
	if err := decodeJSON(r, &in); err != nil {
		h.fail(w, err)
		return
	}
	if in.ReservedConcurrentExecutions == nil || *in.ReservedConcurrentExecutions < 0 {
		h.fail(w, invalidParameter("ReservedConcurrentExecutions must be a number of at least 0"))
		return
	}
	h.setConcurrency(w, r, in.ReservedConcurrentExecutions)
}

func (h *Handler) deleteFunctionConcurrency(w http.ResponseWriter, r *http.Request) {
	h.setConcurrency(w, r, nil)
}

// setConcurrency sets or (n nil) removes the reserved concurrency: 200 with the value for Put,
// 204 for Delete.
func (h *Handler) setConcurrency(w http.ResponseWriter, r *http.Request, n *int) {
	_, fn, err := h.resolve(r)
	if err != nil {
		h.fail(w, err)
		return
	}
	name := fn.Spec.FunctionName
	err = h.opts.Store.Update(r.Context(), func(snap *state.Snapshot, api *state.Resources) error {
		f := api.Function(name)
		if f == nil {
			return fileOwned(name)
		}
		f.Spec.ReservedConcurrentExecutions = n
		return nil
	})
	if err != nil {
		h.fail(w, err)
		return
	}
	if n == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	controlapi.WriteJSON(w, http.StatusOK, concurrency{ReservedConcurrentExecutions: n})
}

// addPermission records the statement (Lambda answers 201 with it). Albatross does not enforce
// resource policies: the ALB may always invoke its functions. Statements on file-defined
// functions are accepted but not recorded (docs/api.md).
func (h *Handler) addPermission(w http.ResponseWriter, r *http.Request) {
	var in struct{ StatementId, Action, Principal, SourceArn string }
	if err := decodeJSON(r, &in); err != nil {
		h.fail(w, err)
		return
	}
	if in.StatementId == "" || in.Action == "" || in.Principal == "" {
		h.fail(w, invalidParameter("StatementId, Action and Principal are required"))
		return
	}
	_, fn, err := h.resolve(r)
	if err != nil {
		h.fail(w, err)
		return
	}
	p := state.Permission{StatementID: in.StatementId, Action: in.Action, Principal: in.Principal, SourceARN: in.SourceArn}
	if fn.Source == state.SourceAPI {
		err = h.opts.Store.Update(r.Context(), func(snap *state.Snapshot, api *state.Resources) error {
			f := api.Function(fn.Spec.FunctionName)
			for _, x := range f.Permissions {
				if x.StatementID == p.StatementID {
					return conflict("The statement id (" + p.StatementID + ") provided already exists. Please provide a new statement id, or remove the existing statement.")
				}
			}
			f.Permissions = append(f.Permissions, p)
			return nil
		})
		if err != nil {
			h.fail(w, err)
			return
		}
	}
	controlapi.WriteJSON(w, http.StatusCreated, map[string]string{"Statement": statement(fn.ARN, p)})
}

// statement renders a permission as the policy statement JSON string Lambda returns.
func statement(arn string, p state.Permission) string {
	st := map[string]any{"Sid": p.StatementID, "Effect": "Allow", "Principal": map[string]string{"Service": p.Principal},
		"Action": p.Action, "Resource": arn}
	if p.SourceARN != "" {
		st["Condition"] = map[string]any{"ArnLike": map[string]string{"AWS:SourceArn": p.SourceARN}}
	}
	data, _ := json.Marshal(st) // plain maps always marshal
	return string(data)
}
