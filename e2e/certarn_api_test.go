package e2e

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// TestCertificateARNInAPIAndLog (issue 20, TLS-03): the certificate of a file-defined HTTPS
// listener has one ACM-style ARN, the same in DescribeListeners, in DescribeListenerCertificates
// (read with aws-sdk-go-v2) and in the chosen_cert_arn of the access log, and the same again
// after the process is killed and restarted on an empty data directory: it is derived from the
// certificate. The DNS name the access log shows for a request without Host is the one
// DescribeLoadBalancers reports.
func TestCertificateARNInAPIAndLog(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "E2E CA")
	cert, key := ca.Issue(t, tlstest.Spec{CN: "obs", DNSNames: []string{"obs.example.com"}}).WriteFiles(t, dir, "obs")
	port := freePort(t)
	cfg := fmt.Sprintf(`
load_balancers:
  - name: certs
    attributes: {access_logs.s3.enabled: "true"}
    listeners:
      - port: %d
        address: 127.0.0.1
        protocol: HTTPS
        certificates: [{certificate_file: %s, private_key_file: %s}]
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "200", message_body: ok}}]
`, port, cert, key)
	described := func(api *apiInstance) string {
		t.Helper()
		ctx, ec := context.Background(), api.elbClient("test", "test")
		lb := need(ec.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{"certs"}})).LoadBalancers[0]
		ls := need(ec.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn})).Listeners
		if len(ls) != 1 || len(ls[0].Certificates) != 1 {
			t.Fatalf("DescribeListeners: %d listeners, want one with one certificate", len(ls))
		}
		fromListener := aws.ToString(ls[0].Certificates[0].CertificateArn)
		certs := need(ec.DescribeListenerCertificates(ctx, &elb.DescribeListenerCertificatesInput{ListenerArn: ls[0].ListenerArn})).Certificates
		if len(certs) != 1 || aws.ToString(certs[0].CertificateArn) != fromListener || !aws.ToBool(certs[0].IsDefault) {
			t.Fatalf("DescribeListenerCertificates %+v, want the default certificate %s", certs, fromListener)
		}
		if !strings.HasPrefix(fromListener, "arn:aws:acm:") || !strings.Contains(fromListener, ":certificate/") {
			t.Fatalf("certificate ARN %q is not ACM-style", fromListener)
		}
		return fromListener
	}
	api := startWithAPI(t, cfg, "")
	api.waitPort(port)
	arn := described(api)

	c := client()
	c.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: tlstest.Pool(ca), ServerName: "obs.example.com"}
	if resp, _ := do(t, c, newRequest(t, "GET", fmt.Sprintf("https://127.0.0.1:%d/cert-arn", port), nil)); resp.StatusCode != 200 {
		t.Fatalf("%s", resp.Status)
	}
	// LST-05: an HTTP/1.0 request without Host is logged with the DNS name the API describes.
	conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{RootCAs: tlstest.Pool(ca), ServerName: "obs.example.com", NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	_, _ = io.WriteString(conn, "GET /no-host HTTP/1.0\r\n\r\n")
	_, _ = io.ReadAll(conn)
	conn.Close()
	lb := need(api.elbClient("test", "test").DescribeLoadBalancers(context.Background(), &elb.DescribeLoadBalancersInput{Names: []string{"certs"}})).LoadBalancers[0]
	eventually(t, "chosen_cert_arn and the DNS name in the access log", func() error {
		lines := allAccessLogLines(t, api.instance)
		for path, check := range map[string]func(m []string) bool{
			"/cert-arn": func(m []string) bool { return m[24] == arn },
			"/no-host": func(m []string) bool {
				return m[16] == fmt.Sprintf("https://%s:%d/no-host", aws.ToString(lb.DNSName), port)
			},
		} {
			i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, path+" HTTP/") })
			if i < 0 {
				return fmt.Errorf("no entry for %s yet", path)
			}
			if m := albAthenaRegex.FindStringSubmatch(lines[i]); m == nil || !check(m) {
				return fmt.Errorf("entry %s: want certificate %s and DNS name %s", lines[i], arn, aws.ToString(lb.DNSName))
			}
		}
		return nil
	})

	// A new process on a new data directory: nothing of the first is kept but the files.
	api.kill()
	again := startWithAPI(t, cfg, "")
	again.waitPort(port)
	if got := described(again); got != arn {
		t.Errorf("after a restart on a new data directory the certificate is %s, before %s", got, arn)
	}
}
