package auth

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// Limits of the calls to the identity provider (AUTH-04).
const (
	// maxUserClaimsBytes is the largest userinfo response accepted: above 11 K the request fails
	// with AuthUserinfoResponseSizeExceeded.
	maxUserClaimsBytes = 11 << 10
	// maxTokenResponseBytes bounds what is read from the token endpoint (ID token, access and
	// refresh tokens), so that a broken IdP cannot exhaust memory.
	maxTokenResponseBytes = 64 << 10
)

// callRecord is what the transport saw of one call to the IdP, so that a failure can be told
// apart: no response, an error status, or a response that was too large.
type callRecord struct {
	status   int
	tooLarge bool
}

// recordingTransport notes the status of each response and caps its body at limit bytes.
type recordingTransport struct {
	base  http.RoundTripper
	rec   *callRecord
	limit int64
}

var errBodyTooLarge = errors.New("auth: identity provider response too large")

func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	t.rec.status = resp.StatusCode
	resp.Body = &cappedBody{ReadCloser: resp.Body, left: t.limit, rec: t.rec}
	return resp, nil
}

// cappedBody fails the read that goes beyond the limit.
type cappedBody struct {
	io.ReadCloser
	left int64
	rec  *callRecord
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		b.rec.tooLarge = true
		return 0, errBodyTooLarge
	}
	return n, err
}

// client returns an HTTP client for one call, recording into rec.
func client(base http.RoundTripper, rec *callRecord, limit int64) *http.Client {
	return &http.Client{
		Transport: &recordingTransport{base: base, rec: rec, limit: limit},
		// The IdP's endpoints answer directly; a redirect there is a broken IdP.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// endpointReasons are the error_reason codes of one IdP endpoint (AUTH-04).
type endpointReasons struct {
	failed, timeout, invalid string
}

var (
	tokenReasons    = endpointReasons{failed: "AuthTokenEpRequestFailed", timeout: "AuthTokenEpRequestTimeout", invalid: "AuthInvalidTokenResponse"}
	userinfoReasons = endpointReasons{failed: "AuthUserinfoEpRequestFailed", timeout: "AuthUserinfoEpRequestTimeout", invalid: "AuthInvalidUserinfoResponse"}
)

// callFailure maps a failed IdP call to the client's status and error_reason (AUTH-04, decided
// in docs/auth.md): no answer in 5 s → 500 *Timeout; no answer at all → 500 *Failed; an error
// status from the IdP → 561 *Failed; a 2XX answer that is not what OpenID Connect says → 401
// *Invalid*; a userinfo response over 11 K → 500 AuthUserinfoResponseSizeExceeded.
func callFailure(err error, rec *callRecord, reasons endpointReasons) *elberr.Error {
	e := &elberr.Error{Source: elberr.SourceLoadBalancer, Err: err}
	var ne net.Error
	switch {
	case rec.tooLarge && reasons == userinfoReasons:
		e.Status, e.Reason = http.StatusInternalServerError, "AuthUserinfoResponseSizeExceeded"
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		e.Status, e.Reason = http.StatusInternalServerError, reasons.timeout
	case rec.status == 0:
		e.Status, e.Reason = http.StatusInternalServerError, reasons.failed
	case rec.status < 200 || rec.status > 299:
		e.Status, e.Reason = statusIdPError, reasons.failed
	default:
		e.Status, e.Reason, e.Source = http.StatusUnauthorized, reasons.invalid, elberr.SourceClient
	}
	return e
}

// statusIdPError is ALB's 561: the IdP returned an error code (AUTH-04).
const statusIdPError = 561

// unauthorized is a 401 with an error_reason.
func unauthorized(reason string, err error) *elberr.Error {
	return &elberr.Error{Status: http.StatusUnauthorized, Reason: reason, Source: elberr.SourceClient, Err: err}
}
