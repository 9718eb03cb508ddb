package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

const greeter = "albatross.e2e.Greeter"

// startGreeter runs a real gRPC server (grpc-go, h2c) on 127.0.0.1 with a unary Hello and a
// server-streaming Count, and returns its port.
func startGreeter(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	hello := func(_ any, _ context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
		in := &wrapperspb.StringValue{}
		if err := dec(in); err != nil {
			return nil, err
		}
		if in.Value == "" {
			return nil, status.Error(codes.InvalidArgument, "name is required")
		}
		return wrapperspb.String("hello " + in.Value), nil
	}
	count := func(_ any, stream grpc.ServerStream) error {
		n := &wrapperspb.Int32Value{}
		if err := stream.RecvMsg(n); err != nil {
			return err
		}
		for i := range n.Value {
			if err := stream.SendMsg(wrapperspb.Int32(i + 1)); err != nil {
				return err
			}
		}
		return nil
	}
	s.RegisterService(&grpc.ServiceDesc{ServiceName: greeter, HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{{MethodName: "Hello", Handler: hello}},
		Streams: []grpc.StreamDesc{{StreamName: "Count", Handler: count, ServerStreams: true}},
	}, nil)
	go func() { _ = s.Serve(l) }()
	t.Cleanup(s.Stop)
	return l.Addr().(*net.TCPAddr).Port
}

// selfSigned writes a certificate and key for 127.0.0.1 and returns their paths.
func selfSigned(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "albatross.test"},
		DNSNames: []string{"albatross.test"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "site.pem"), filepath.Join(dir, "site.key")
	for path, block := range map[string]*pem.Block{certFile: {Type: "CERTIFICATE", Bytes: der}, keyFile: {Type: "PRIVATE KEY", Bytes: keyDER}} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile
}

// grpcConfig is a load balancer whose listener forwards to a GRPC target group with the default
// gRPC health check (§4.2); listener is the listener's YAML fields.
func grpcConfig(listener string, target int) string {
	return fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - %s
        address: 127.0.0.1
        default_actions: [{type: forward, target_group_name: greeter}]
target_groups:
  - name: greeter
    protocol: HTTP
    protocol_version: GRPC
    port: %d
    targets: [{id: 127.0.0.1}]
    health_check_interval_seconds: 5
    health_check_timeout_seconds: 2
`, listener, target)
}

// TestGRPCHealthAnd464ForHTTP1: the GRPC group's targets pass the gRPC health check, and an
// HTTP/1.1 request to the group through the HTTPS listener gets the 464 page (H2-06). (An HTTP
// listener cannot forward to a GRPC group at all: validation refuses it.)
func TestGRPCHealthAnd464ForHTTP1(t *testing.T) {
	t.Parallel()
	target := startGreeter(t)
	port := freePort(t)
	cert, key := selfSigned(t)
	listener := fmt.Sprintf("port: %d\n        protocol: HTTPS\n        certificates: [{certificate_file: %s, private_key_file: %s}]", port, cert, key)
	inst := start(t, grpcConfig(listener, target), port)
	inst.waitLog(fmt.Sprintf("target=127.0.0.1:%d from=initial to=healthy", target), 1)

	c := client()
	tr := c.Transport.(*http.Transport)
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // self-signed test certificate
	tr.Protocols = new(http.Protocols)
	tr.Protocols.SetHTTP1(true)
	req := newRequest(t, http.MethodPost, fmt.Sprintf("https://127.0.0.1:%d/%s/Hello", port, greeter), strings.NewReader(""))
	req.Header.Set("Content-Type", "application/grpc")
	resp, body := do(t, c, req)
	if resp.ProtoMajor != 1 || resp.StatusCode != 464 || !strings.Contains(string(body), "464") {
		t.Fatalf("HTTP/1.1 to a GRPC group: %s %d %q, want the 464 page", resp.Proto, resp.StatusCode, body)
	}
}

// TestGRPCThroughHTTPSListener: a grpc-go client calls a real gRPC server through an HTTPS
// listener and a GRPC target group (H2-06 gRPC→GRPC): a unary call, a status error with its
// message from the target's trailers, and a server stream.
func TestGRPCThroughHTTPSListener(t *testing.T) {
	t.Parallel()
	target := startGreeter(t)
	port := freePort(t)
	cert, key := selfSigned(t)
	listener := fmt.Sprintf("port: %d\n        protocol: HTTPS\n        certificates: [{certificate_file: %s, private_key_file: %s}]", port, cert, key)
	start(t, grpcConfig(listener, target), port)

	creds := credentials.NewTLS(&tls.Config{InsecureSkipVerify: true}) //nolint:gosec // self-signed test certificate
	conn, err := grpc.NewClient(fmt.Sprintf("passthrough:///127.0.0.1:%d", port), grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	out := &wrapperspb.StringValue{}
	if err := conn.Invoke(ctx, "/"+greeter+"/Hello", wrapperspb.String("albatross"), out); err != nil || out.Value != "hello albatross" {
		t.Fatalf("unary call: %q, %v", out.Value, err)
	}
	err = conn.Invoke(ctx, "/"+greeter+"/Hello", wrapperspb.String(""), out)
	if s := status.Convert(err); s.Code() != codes.InvalidArgument || s.Message() != "name is required" {
		t.Errorf("status %v %q, want InvalidArgument from the target", s.Code(), s.Message())
	}
	stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, "/"+greeter+"/Count")
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(wrapperspb.Int32(3)); err != nil {
		t.Fatal(err)
	}
	_ = stream.CloseSend()
	for want := int32(1); ; want++ {
		got := &wrapperspb.Int32Value{}
		err := stream.RecvMsg(got)
		if errors.Is(err, io.EOF) && want == 4 {
			break
		}
		if err != nil || got.Value != want {
			t.Fatalf("stream message %d: %d, %v", want, got.Value, err)
		}
	}
}
