package targetgroup_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/health"
	"github.com/albatross-lb/albatross/internal/httptarget"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// echoServer is a real gRPC server (grpc-go, h2c on 127.0.0.1) with a unary method Say and a
// server-streaming method Count. Count sends its next message only after the test, having read
// the previous one through the load balancer, signals on read: every message is forwarded
// unbuffered.
type echoServer struct {
	port int
	read chan struct{}
}

const echoService = "albatross.test.Echo"

func newEchoServer(t *testing.T, read chan struct{}) *echoServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &echoServer{port: l.Addr().(*net.TCPAddr).Port, read: read}
	s := grpc.NewServer()
	s.RegisterService(&grpc.ServiceDesc{
		ServiceName: echoService,
		HandlerType: (*any)(nil),
		Methods:     []grpc.MethodDesc{{MethodName: "Say", Handler: e.say}},
		Streams:     []grpc.StreamDesc{{StreamName: "Count", Handler: e.count, ServerStreams: true}},
	}, nil)
	go func() { _ = s.Serve(l) }()
	t.Cleanup(s.Stop)
	return e
}

func (e *echoServer) say(_ any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
	in := &wrapperspb.StringValue{}
	if err := dec(in); err != nil {
		return nil, err
	}
	if in.Value == "missing" {
		return nil, status.Error(codes.NotFound, "no such thing")
	}
	return wrapperspb.String("hello " + in.Value + " from " + strconv.Itoa(e.port)), nil
}

func (e *echoServer) count(_ any, stream grpc.ServerStream) error {
	n := &wrapperspb.Int32Value{}
	if err := stream.RecvMsg(n); err != nil {
		return err
	}
	for i := range n.Value {
		if i > 0 {
			select {
			case <-e.read:
			case <-time.After(10 * time.Second):
				return status.Error(codes.DeadlineExceeded, "the client never read the previous message")
			}
		}
		if err := stream.SendMsg(wrapperspb.Int32(i + 1)); err != nil {
			return err
		}
	}
	return nil
}

// grpcFront serves group h over TLS with HTTP/2, as an HTTPS listener does, answering load
// balancer errors with the ALB's page.
func grpcFront(t *testing.T, h *targetgroup.HTTPGroup) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(observe.WithExchange(r.Context(), &observe.Exchange{}))
		if err := h.ServeHTTP(w, r); err != nil {
			var e *elberr.Error
			if !errors.As(err, &e) {
				e = &elberr.Error{Status: http.StatusInternalServerError, Err: err}
			}
			_ = elberr.Write(w, r, e, true)
		}
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// grpcGroup registers the echo servers as a GRPC target group with gRPC health checks matching
// codes (nil: the §4.2 default 12) and returns the group and its targets.
func grpcGroup(t *testing.T, codes health.Codes, servers ...*echoServer) (*targetgroup.HTTPGroup, []*targetgroup.Target) {
	t.Helper()
	reg := targetgroup.NewRegistry()
	t.Cleanup(reg.Close)
	proxy := httptarget.New(httptarget.Options{HTTP2: true})
	t.Cleanup(proxy.Close)
	var ts []*targetgroup.Target
	keep := map[*targetgroup.Target]bool{}
	for _, s := range servers {
		tg := reg.Target("grpc", "127.0.0.1", s.port)
		reg.Check(tg, targetgroup.CheckSpec{Key: "grpc",
			Prober:   health.NewGRPCProber(health.GRPCOptions{IP: "127.0.0.1", Port: s.port, Codes: codes}),
			Settings: health.Settings{Interval: 50 * time.Millisecond, Timeout: 1 * time.Second, HealthyThreshold: 2, UnhealthyThreshold: 2}})
		ts = append(ts, tg)
		keep[tg] = true
	}
	reg.Retain(keep)
	g := targetgroup.NewGroup("grpc", "arn:grpc", ts, targetgroup.Options{ProtocolVersion: targetgroup.GRPC})
	return targetgroup.NewHTTPGroup(g, proxy), ts
}

func dial(t *testing.T, srv *httptest.Server) *grpc.ClientConn {
	t.Helper()
	creds := credentials.NewTLS(&tls.Config{InsecureSkipVerify: true}) //nolint:gosec // test certificate
	conn, err := grpc.NewClient("passthrough:///"+srv.Listener.Addr().String(), grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// TestGRPCEndToEnd: a grpc-go client calls real grpc-go servers through a GRPC target group over
// TLS and HTTP/2 (H2-06 gRPC→GRPC): the default gRPC health check (/AWS.ALB/healthcheck,
// matcher 12, §4.2) makes both targets healthy; unary calls are balanced over them; a status
// error and its message come back from the target's trailers; a server stream delivers each
// message before the next is sent; requests that are not gRPC calls or HTTP/2 POSTs get 464.
func TestGRPCEndToEnd(t *testing.T) {
	t.Parallel()
	read := make(chan struct{})
	a, b := newEchoServer(t, read), newEchoServer(t, read)
	group, ts := grpcGroup(t, nil, a, b)
	waitState(t, ts[0], targetgroup.StateHealthy)
	waitState(t, ts[1], targetgroup.StateHealthy)
	srv := grpcFront(t, group)
	conn := dial(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	seen := map[string]bool{}
	for range 4 {
		out := &wrapperspb.StringValue{}
		if err := conn.Invoke(ctx, "/"+echoService+"/Say", wrapperspb.String("albatross"), out); err != nil {
			t.Fatalf("unary call: %v", err)
		}
		seen[out.Value] = true
	}
	if len(seen) != 2 {
		t.Errorf("4 calls answered by %v, want both targets (round robin)", seen)
	}

	err := conn.Invoke(ctx, "/"+echoService+"/Say", wrapperspb.String("missing"), &wrapperspb.StringValue{})
	if s := status.Convert(err); s.Code() != codes.NotFound || s.Message() != "no such thing" {
		t.Errorf("status %v %q, want NotFound %q from the target", s.Code(), s.Message(), "no such thing")
	}

	checkServerStream(ctx, t, conn, read)

	checkIncompatible(t, srv)
}

// checkIncompatible sends what H2-06 marks "error" for a GRPC group: an HTTP/2 GET and an
// HTTP/1.1 POST with the gRPC content type; both get 464 (§7).
func checkIncompatible(t *testing.T, srv *httptest.Server) {
	t.Helper()
	h1 := srv.Client().Transport.(*http.Transport).Clone()
	h1.Protocols = new(http.Protocols)
	h1.Protocols.SetHTTP1(true)
	h1.TLSClientConfig.NextProtos = []string{"http/1.1"}
	for _, c := range []struct {
		client *http.Client
		method string
		major  int
	}{{srv.Client(), http.MethodGet, 2}, {&http.Client{Transport: h1}, http.MethodPost, 1}} {
		req, _ := http.NewRequest(c.method, srv.URL+"/"+echoService+"/Say", http.NoBody)
		req.Header.Set("Content-Type", "application/grpc")
		resp, err := c.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != c.major || resp.StatusCode != 464 {
			t.Errorf("%s %s got %d, want HTTP/%d 464 (H2-06)", resp.Proto, c.method, resp.StatusCode, c.major)
		}
	}
}

// checkServerStream calls Count(3) and reads each message before letting the target send the
// next one.
func checkServerStream(ctx context.Context, t *testing.T, conn *grpc.ClientConn, read chan<- struct{}) {
	t.Helper()
	stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, "/"+echoService+"/Count")
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(wrapperspb.Int32(3)); err != nil {
		t.Fatal(err)
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	for want := int32(1); ; want++ {
		got := &wrapperspb.Int32Value{}
		err := stream.RecvMsg(got)
		if errors.Is(err, io.EOF) && want == 4 {
			return
		}
		if err != nil || got.Value != want {
			t.Fatalf("stream message %d: %v, %v", want, got.Value, err)
		}
		if want < 3 {
			select {
			case read <- struct{}{}:
			case <-ctx.Done():
				t.Fatal("the target stopped streaming")
			}
		}
	}
}

// TestGRPCHealthCheckMatcher: a gRPC server answers the default health-check method with
// UNIMPLEMENTED (12); a matcher of 0 alone makes its target unhealthy with the code in the
// description (§4.2, HC-04).
func TestGRPCHealthCheckMatcher(t *testing.T) {
	t.Parallel()
	_, ts := grpcGroup(t, health.Codes{{Lo: 0, Hi: 0}}, newEchoServer(t, nil))
	waitState(t, ts[0], targetgroup.StateUnhealthy)
	h := ts[0].Health()
	if h.Reason != health.ReasonResponseCodeMismatch || h.Description != "Health checks failed with these codes: [12]" {
		t.Errorf("health %+v, want %s with code 12", h, health.ReasonResponseCodeMismatch)
	}
}
