package action

import (
	"net/http"
	"strconv"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// FixedResponse answers with a configured status, content type and body (FIX-01, FIX-02, ERR-02).
type FixedResponse struct {
	status       int
	contentType  []string
	body         []byte
	length       []string
	serverHeader bool
}

// NewFixedResponse returns the action. contentType "" sends no Content-Type (the body is not
// sniffed); serverHeader adds `Server: awselb/2.0` as on every ALB-generated response.
func NewFixedResponse(status int, contentType, body string, serverHeader bool) *FixedResponse {
	f := &FixedResponse{
		status:       status,
		body:         []byte(body),
		length:       []string{strconv.Itoa(len(body))},
		serverHeader: serverHeader,
	}
	if contentType != "" {
		f.contentType = []string{contentType}
	}
	return f
}

// ServeHTTP writes the fixed response.
func (f *FixedResponse) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	ex := observe.ExchangeFrom(r.Context())
	ex.ActionsExecuted = append(ex.ActionsExecuted, NameFixedResponse)
	h := w.Header()
	// A nil Content-Type stops net/http from sniffing one.
	h["Content-Type"] = f.contentType
	h["Content-Length"] = f.length
	if f.serverHeader {
		h["Server"] = serverValue
	}
	w.WriteHeader(f.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(f.body)
	}
	ex.Settled = true
	return nil
}

var serverValue = []string{elberr.Server}
