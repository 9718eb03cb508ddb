package lambda

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/function"
)

// Payload limits (B.3): 6 MB for synchronous invocations, 1 MB for Event.
const (
	maxSyncPayload  = function.MaxRequestSize
	maxEventPayload = 1 << 20
)

// invoke serves POST /2015-03-31/functions/{name}/invocations (C.1-C.4).
func (h *Handler) invoke(w http.ResponseWriter, r *http.Request) {
	snap, fn, err := h.resolve(r)
	if err != nil {
		h.fail(w, err)
		return
	}
	typ := r.Header.Get("X-Amz-Invocation-Type")
	payload, err := readPayload(r, typ)
	if err != nil {
		h.fail(w, err)
		return
	}
	call := function.Invocation{Payload: payload, InvokedFunctionARN: snap.Config.FunctionARN(fn.Spec.FunctionName)}
	if cc := r.Header.Get("X-Amz-Client-Context"); cc != "" {
		raw, err := base64.StdEncoding.DecodeString(cc)
		if err != nil || !json.Valid(raw) {
			h.fail(w, invalidParameter("X-Amz-Client-Context must be base64-encoded JSON"))
			return
		}
		call.ClientContext = string(raw)
	}
	inv, ok := h.opts.Functions.Function(fn.Spec.FunctionName)
	if !ok {
		h.fail(w, &controlapi.Error{Code: "ResourceNotReadyException", Status: http.StatusBadGateway,
			Message: "Function " + fn.Spec.FunctionName + " is not running"})
		return
	}
	w.Header().Set("X-Amz-Executed-Version", "$LATEST")
	switch typ {
	case "DryRun":
		w.WriteHeader(http.StatusNoContent)
	case "Event":
		h.invokeEvent(inv, call)
		w.WriteHeader(http.StatusAccepted)
	default:
		h.invokeSync(w, r, inv, call)
	}
}

// readPayload checks the invocation type and reads the payload within its limit. The CLI sends
// no body without --payload (C.1); functions then get an empty JSON object, as Lambda gives
// them.
func readPayload(r *http.Request, typ string) ([]byte, error) {
	limit := maxSyncPayload
	switch typ {
	case "", "RequestResponse", "DryRun":
	case "Event":
		limit = maxEventPayload
	default:
		return nil, invalidParameter("X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got %q", typ)
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if controlapi.BodyError(r, err) != nil {
		return nil, requestTooLarge(limit)
	}
	if err != nil {
		return nil, err
	}
	if len(payload) > limit {
		return nil, requestTooLarge(limit)
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		return nil, controlapi.Errorf("InvalidRequestContentException", "Could not parse request body into json: the payload is not valid JSON")
	}
	return payload, nil
}

// requestTooLarge is the C.4 error for a payload over limit bytes.
func requestTooLarge(limit int) *controlapi.Error {
	return &controlapi.Error{Code: "RequestTooLargeException", Status: http.StatusRequestEntityTooLarge,
		Message: "Request must be smaller than " + strconv.Itoa(limit) + " bytes for the InvokeFunction operation"}
}

func (h *Handler) invokeSync(w http.ResponseWriter, r *http.Request, inv Invoker, call function.Invocation) {
	resp, err := inv.InvokeWith(r.Context(), call)
	if err != nil && resp == nil {
		if r.Context().Err() != nil {
			return
		}
		h.fail(w, invokeError(err))
		return
	}
	if resp.FunctionError != "" {
		w.Header().Set("X-Amz-Function-Error", resp.FunctionError)
	}
	if r.Header.Get("X-Amz-Log-Type") == "Tail" {
		w.Header().Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString(resp.LogTail))
	}
	if resp.RequestID != "" {
		w.Header().Set("x-amzn-RequestId", resp.RequestID)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(resp.Payload)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(resp.Payload)
}

// eventTimeout bounds an Event invocation: the longest function timeout plus queueing time.
const eventTimeout = 16 * time.Minute

// invokeEvent runs an Event invocation in the background; its outcome is only logged, as Lambda
// has no destination configured by default.
func (h *Handler) invokeEvent(inv Invoker, call function.Invocation) {
	h.events.Add(1)
	go func() {
		defer h.events.Done()
		ctx, cancel := context.WithTimeout(h.ctx, eventTimeout)
		defer cancel()
		resp, err := inv.InvokeWith(ctx, call)
		switch {
		case err != nil:
			h.opts.Logger.Warn("event invocation failed", "function", call.InvokedFunctionARN, "error", err)
		case resp.FunctionError != "":
			h.opts.Logger.Warn("event invocation returned an error", "function", call.InvokedFunctionARN, "payload", string(resp.Payload))
		}
	}()
}

// invokeError maps the function package's errors to C.4 codes. Throttling is a 429 that SDKs
// retry with back-off, never a 5xx.
func invokeError(err error) *controlapi.Error {
	switch {
	case errors.Is(err, function.ErrThrottled):
		// The account's limit, shared by unreserved functions, has its own reason (C.4).
		reason := "ReservedFunctionConcurrentInvocationLimitExceeded"
		if errors.Is(err, function.ErrAccountThrottled) {
			reason = "ConcurrentInvocationLimitExceeded"
		}
		return &controlapi.Error{Code: "TooManyRequestsException", Status: http.StatusTooManyRequests,
			Message: "Rate Exceeded.", Header: http.Header{"Retry-After": {"1"}},
			Fields: map[string]string{"Reason": reason}}
	case errors.Is(err, function.ErrRequestTooLarge):
		return requestTooLarge(maxSyncPayload)
	case errors.Is(err, function.ErrStopped):
		return conflict("The function is being updated or deleted; try again")
	case errors.Is(err, function.ErrInvalidRuntime):
		// A function Albatross cannot run (config.Function.Unavailable): what Lambda answers for
		// a runtime it no longer supports (C.4's Invalid* infrastructure errors, 502).
		return &controlapi.Error{Code: "InvalidRuntimeException", Status: http.StatusBadGateway, Message: err.Error()}
	}
	return &controlapi.Error{Code: "ServiceException", Status: http.StatusInternalServerError, Message: err.Error()}
}
