package targetgroup

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// ProtocolVersion is how the load balancer speaks to a group's targets (TG-02). It decides which
// requests the group accepts (H2-06).
type ProtocolVersion int

// Protocol versions of instance and ip target groups (TG-02).
const (
	// HTTP1 sends every request over HTTP/1.1; the default.
	HTTP1 ProtocolVersion = iota
	// HTTP2 sends requests over HTTP/2; it takes HTTP/2 and gRPC requests only.
	HTTP2
	// GRPC sends requests over HTTP/2 to gRPC servers; it takes gRPC calls and HTTP/2 POSTs only.
	GRPC
)

// ParseProtocolVersion reads the API name: HTTP1 (also ""), HTTP2 or GRPC.
func ParseProtocolVersion(s string) (ProtocolVersion, error) {
	switch s {
	case "", "HTTP1":
		return HTTP1, nil
	case "HTTP2":
		return HTTP2, nil
	case "GRPC":
		return GRPC, nil
	}
	return HTTP1, fmt.Errorf("unknown protocol version %q: want HTTP1, HTTP2 or GRPC (TG-02)", s)
}

// String returns the API name.
func (v ProtocolVersion) String() string {
	switch v {
	case HTTP2:
		return "HTTP2"
	case GRPC:
		return "GRPC"
	}
	return "HTTP1"
}

// RequestProtocol is a request's protocol as the H2-06 matrix sees it.
type RequestProtocol int

// Request protocols of the H2-06 matrix.
const (
	// RequestHTTP1 is HTTP/1.0 or HTTP/1.1, whatever its content type.
	RequestHTTP1 RequestProtocol = iota
	// RequestHTTP2 is an HTTP/2 request that is not a gRPC call.
	RequestHTTP2
	// RequestGRPC is an HTTP/2 request with a gRPC content type.
	RequestGRPC
)

// ClassifyRequest returns r's protocol. A gRPC call is an HTTP/2 POST with content type
// "application/grpc", optionally followed by "+subtype" or parameters, as the gRPC wire spec
// defines it (it has no other method). gRPC-Web ("application/grpc-web…") is not gRPC: browsers
// send it to a translating server, so it is plain HTTP here (decisions recorded in docs/grpc.md).
func ClassifyRequest(r *http.Request) RequestProtocol {
	if r.ProtoMajor < 2 {
		return RequestHTTP1
	}
	if r.Method == http.MethodPost && isGRPCContentType(r.Header.Get("Content-Type")) {
		return RequestGRPC
	}
	return RequestHTTP2
}

func isGRPCContentType(ct string) bool {
	const prefix = "application/grpc"
	if len(ct) < len(prefix) || !strings.EqualFold(ct[:len(prefix)], prefix) {
		return false
	}
	rest := ct[len(prefix):]
	return rest == "" || rest[0] == '+' || rest[0] == ';'
}

// Accepts reports whether a group of version v takes request r, by the H2-06 matrix:
//
//	request   HTTP1  HTTP2  GRPC
//	HTTP/1.1  ok     464    464
//	HTTP/2    ok     ok     POST only
//	gRPC      464    ok     ok
func (v ProtocolVersion) Accepts(r *http.Request) bool {
	switch ClassifyRequest(r) {
	case RequestHTTP1:
		return v == HTTP1
	case RequestGRPC:
		return v != HTTP1
	default:
		return v != GRPC || r.Method == http.MethodPost
	}
}

var errIncompatible = errors.New("request protocol incompatible with the target group's protocol version")

// incompatible is the 464 the ALB answers when the request's protocol does not fit the group's
// protocol version (H2-06, §7). The request is the client's choice, so the client is blamed.
func incompatible(v ProtocolVersion, r *http.Request) *elberr.Error {
	return &elberr.Error{Status: 464, Source: elberr.SourceClient,
		Err: fmt.Errorf("%w: %s %s request to a %s group", errIncompatible, r.Proto, r.Method, v)}
}
