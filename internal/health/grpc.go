package health

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
)

// GRPCOptions describe the health check of one target of a GRPC target group (§4.2).
type GRPCOptions struct {
	// Protocol is HTTP (h2c) or HTTPS (h2 over TLS); "" means HTTP.
	Protocol string
	// IP is the target's address and Port the health-check port.
	IP   string
	Port int
	// Path is the method called, "/package.Service/Method" ("" means /AWS.ALB/healthcheck).
	Path string
	// Codes are the accepted gRPC status codes 0-99 (empty means 12, UNIMPLEMENTED: a gRPC server
	// that answers at all is up).
	Codes Codes
}

// DefaultGRPCPath is the method a GRPC target group's health check calls by default (§4.2).
const DefaultGRPCPath = "/AWS.ALB/healthcheck"

// GRPCProber checks a target with a unary gRPC call over HTTP/2, a fresh connection per check,
// and judges the grpc-status the target answers against the matcher. It is safe for concurrent
// use.
type GRPCProber struct{ checkClient }

var _ Prober = (*GRPCProber)(nil)

// NewGRPCProber returns the prober for o.
func NewGRPCProber(o GRPCOptions) *GRPCProber {
	if o.Path == "" {
		o.Path = DefaultGRPCPath
	}
	if len(o.Codes) == 0 {
		o.Codes = Codes{{12, 12}}
	}
	return &GRPCProber{newCheckClient(o.Protocol, o.IP, o.Port, o.Path, o.Codes, true)}
}

// emptyMessage is one length-prefixed gRPC message (not compressed, zero bytes long): the
// encoding of an empty protobuf request.
var emptyMessage = []byte{0, 0, 0, 0, 0}

// Probe sends one call and judges its grpc-status. A reply without a grpc-status (not a gRPC
// server, or a non-200 HTTP status) fails with Target.FailedHealthChecks.
func (p *GRPCProber) Probe(ctx context.Context) Result {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(emptyMessage))
	if err != nil {
		return failed
	}
	req.Host = p.host
	req.ContentLength = int64(len(emptyMessage))
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("Te", "trailers")
	req.Header.Set("User-Agent", UserAgent)
	resp, err := p.client.Do(req)
	if err != nil {
		if isTimeout(ctx, err) {
			return timedOut
		}
		return failed
	}
	// The status comes in the trailers, after the body; read a bounded part of it.
	_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if err != nil {
		if isTimeout(ctx, err) {
			return timedOut
		}
		return failed
	}
	code, ok := grpcStatus(resp)
	switch {
	case !ok && resp.StatusCode == http.StatusOK:
		r := failed
		r.noGRPCStatus = true
		return r
	case !ok: // an HTTP error status: not a gRPC answer, but an answer
		r := failed
		r.Answered, r.Status = true, resp.StatusCode
		return r
	case !p.codes.Match(code):
		return mismatch(code)
	}
	return passed(code)
}

// grpcStatus returns the call's status code: from the trailers, or from the headers of a
// "Trailers-Only" reply that carries no message.
func grpcStatus(resp *http.Response) (int, bool) {
	if resp.StatusCode != http.StatusOK {
		return 0, false
	}
	v := resp.Trailer.Get("Grpc-Status")
	if v == "" {
		v = resp.Header.Get("Grpc-Status")
	}
	code, err := strconv.Atoi(v)
	if err != nil || code < 0 {
		return 0, false
	}
	return code, true
}
