package controlapi

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// WriteJSON writes v as a REST-JSON body (Lambda) with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		WriteJSONError(w, &Error{Code: "ServiceException", Message: err.Error(), Status: http.StatusInternalServerError})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteJSONError writes e in the REST-JSON error shape (C.4): the code in X-Amzn-ErrorType,
// which both SDKs read first, and a JSON body {"Type":"User","message":...} with e.Fields.
func WriteJSONError(w http.ResponseWriter, e *Error) {
	for k, vs := range e.Header {
		w.Header()[k] = vs
	}
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	typ := "User"
	if e.Status >= 500 {
		typ = "Service"
	}
	body := map[string]string{"Type": typ, "message": e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	data, _ := json.Marshal(body) // a map of strings always marshals
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(data)
}
