package targetgroup

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// request returns a request of HTTP major version major with the given method and content type,
// as the listener would hand it over.
func request(major int, method, contentType string) *http.Request {
	r := httptest.NewRequest(method, "/svc.Echo/Say", nil)
	r.ProtoMajor, r.ProtoMinor, r.Proto = major, 1, "HTTP/1.1"
	if major == 2 {
		r.ProtoMinor, r.Proto = 0, "HTTP/2.0"
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

// TestProtocolMatrix is the H2-06 routing matrix, every row and column, plus the content types
// that decide whether an HTTP/2 request is a gRPC call.
func TestProtocolMatrix(t *testing.T) {
	testCases := []struct {
		desc                string
		major               int
		method, contentType string
		wantClass           RequestProtocol
		want                map[ProtocolVersion]bool
	}{
		{desc: "H2-06 HTTP/1.1 GET", major: 1, method: "GET", wantClass: RequestHTTP1,
			want: map[ProtocolVersion]bool{HTTP1: true, HTTP2: false, GRPC: false}},
		{desc: "H2-06 HTTP/1.1 POST with a gRPC content type is still HTTP/1.1", major: 1, method: "POST",
			contentType: "application/grpc", wantClass: RequestHTTP1,
			want: map[ProtocolVersion]bool{HTTP1: true, HTTP2: false, GRPC: false}},
		{desc: "H2-06 HTTP/2 GET", major: 2, method: "GET", wantClass: RequestHTTP2,
			want: map[ProtocolVersion]bool{HTTP1: true, HTTP2: true, GRPC: false}},
		{desc: "H2-06 HTTP/2 POST reaches a GRPC group", major: 2, method: "POST", contentType: "application/json",
			wantClass: RequestHTTP2, want: map[ProtocolVersion]bool{HTTP1: true, HTTP2: true, GRPC: true}},
		{desc: "H2-06 HTTP/2 PUT", major: 2, method: "PUT", wantClass: RequestHTTP2,
			want: map[ProtocolVersion]bool{HTTP1: true, HTTP2: true, GRPC: false}},
		{desc: "H2-06 gRPC", major: 2, method: "POST", contentType: "application/grpc", wantClass: RequestGRPC,
			want: map[ProtocolVersion]bool{HTTP1: false, HTTP2: true, GRPC: true}},
		{desc: "H2-06 gRPC +proto", major: 2, method: "POST", contentType: "application/grpc+proto", wantClass: RequestGRPC,
			want: map[ProtocolVersion]bool{HTTP1: false, HTTP2: true, GRPC: true}},
		{desc: "H2-06 gRPC with parameters, any case", major: 2, method: "POST", contentType: "Application/GRPC; charset=utf-8",
			wantClass: RequestGRPC, want: map[ProtocolVersion]bool{HTTP1: false, HTTP2: true, GRPC: true}},
		{desc: "a GET with the gRPC content type is HTTP/2, not gRPC", major: 2, method: "GET", contentType: "application/grpc",
			wantClass: RequestHTTP2, want: map[ProtocolVersion]bool{HTTP1: true, HTTP2: true, GRPC: false}},
		{desc: "gRPC-Web is HTTP/2, not gRPC", major: 2, method: "POST", contentType: "application/grpc-web+proto",
			wantClass: RequestHTTP2, want: map[ProtocolVersion]bool{HTTP1: true, HTTP2: true, GRPC: true}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r := request(tc.major, tc.method, tc.contentType)
			if got := ClassifyRequest(r); got != tc.wantClass {
				t.Errorf("ClassifyRequest = %v, want %v", got, tc.wantClass)
			}
			for v, want := range tc.want {
				if got := v.Accepts(r); got != want {
					t.Errorf("%s group accepts = %v, want %v", v, got, want)
				}
			}
		})
	}
}

func TestParseProtocolVersion(t *testing.T) {
	testCases := []struct {
		desc, in string
		want     ProtocolVersion
		wantErr  bool
	}{
		{desc: "TG-02 default is HTTP1", in: "", want: HTTP1},
		{desc: "HTTP1", in: "HTTP1", want: HTTP1},
		{desc: "HTTP2", in: "HTTP2", want: HTTP2},
		{desc: "GRPC", in: "GRPC", want: GRPC},
		{desc: "names are case-sensitive like the API's enum", in: "grpc", wantErr: true},
		{desc: "unknown", in: "HTTP3", wantErr: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := ParseProtocolVersion(tc.in)
			if (err != nil) != tc.wantErr || !tc.wantErr && got != tc.want {
				t.Fatalf("ParseProtocolVersion(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
			if !tc.wantErr && tc.in != "" && got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

// countingForwarder answers 200 and counts the requests that reached it.
type countingForwarder struct{ n int }

func (f *countingForwarder) Serve(w http.ResponseWriter, _ *http.Request, _ string) error {
	f.n++
	w.WriteHeader(http.StatusOK)
	return nil
}

// TestIncompatibleRequestGets464: the group refuses what H2-06 marks "error" with 464 (§7),
// before picking a target, so nothing reaches one; the client is blamed.
func TestIncompatibleRequestGets464(t *testing.T) {
	testCases := []struct {
		desc       string
		version    ProtocolVersion
		r          *http.Request
		wantStatus int
	}{
		{desc: "H2-06 HTTP/1.1 to HTTP2", version: HTTP2, r: request(1, "GET", ""), wantStatus: 464},
		{desc: "H2-06 HTTP/1.1 to GRPC", version: GRPC, r: request(1, "POST", "application/grpc"), wantStatus: 464},
		{desc: "H2-06 gRPC to HTTP1", version: HTTP1, r: request(2, "POST", "application/grpc"), wantStatus: 464},
		{desc: "H2-06 HTTP/2 GET to GRPC", version: GRPC, r: request(2, "GET", ""), wantStatus: 464},
		{desc: "H2-06 gRPC to GRPC is forwarded", version: GRPC, r: request(2, "POST", "application/grpc"), wantStatus: 200},
		{desc: "H2-06 HTTP/1.1 to HTTP1 is forwarded", version: HTTP1, r: request(1, "GET", ""), wantStatus: 200},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			ts := targets(1)
			f := &countingForwarder{}
			g := NewHTTPGroup(NewGroup("tg", "arn", ts, Options{ProtocolVersion: tc.version}), f)
			rec := httptest.NewRecorder()
			err := g.ServeHTTP(rec, tc.r)
			status := rec.Code
			var e *elberr.Error
			if errors.As(err, &e) {
				status = e.Status
				if e.Source != elberr.SourceClient {
					t.Errorf("464 blamed on source %v, want the client", e.Source)
				}
			} else if err != nil {
				t.Fatalf("ServeHTTP returned %T %v", err, err)
			}
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d", status, tc.wantStatus)
			}
			if forwarded := tc.wantStatus == 200; (f.n == 1) != forwarded {
				t.Errorf("forwarded %d times, want forwarded=%v", f.n, forwarded)
			}
		})
	}
}
