package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var (
	dashboardLine = regexp.MustCompile(`Dashboard: +(http://127\.0\.0\.1:\d+/dashboard/)`)
	explainLine   = regexp.MustCompile(`Explain: +(\S+) explain --config (\S+) GET (\S+)`)
	cliLine       = regexp.MustCompile(`(?m)^ +(AWS_ACCESS_KEY_ID=\S+ .* aws --endpoint-url \S+ elbv2 describe-target-health --target-group-arn (\S+))$`)
)

// checkControlAPI follows what run.sh prints about the control API, as a newcomer would: the
// dashboard page and its state, the explain command, and the aws CLI line (issue 18 item 4).
func checkControlAPI(t *testing.T, d *demo) {
	out := d.output()
	m := dashboardLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no dashboard URL in the output:\n%s", out)
	}
	dashboard := m[1]
	resp, body := do(t, "GET", dashboard, nil, "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "<title>Albatross</title>") {
		t.Errorf("GET %s: %d %s\n%.300s", dashboard, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if resp, body = do(t, "GET", dashboard+"state.json", nil, ""); resp.StatusCode != 200 || !strings.Contains(string(body), "tickets") {
		t.Errorf("GET %sstate.json: %d %.300s; want the tickets load balancer", dashboard, resp.StatusCode, body)
	}

	m = explainLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no explain example in the output:\n%s", out)
	}
	explained, err := exec.Command(m[1], "explain", "--config", m[2], "GET", m[3]).CombinedOutput()
	if err != nil || !strings.Contains(string(explained), "api") {
		t.Errorf("the printed explain command: %v\n%s", err, explained)
	}

	m = cliLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no aws CLI line in the output:\n%s", out)
	}
	line, arn := m[1], m[2]
	// The same call the CLI makes, without the CLI: the API answers for the file's site group.
	api := strings.TrimSuffix(dashboard, "dashboard/")
	form := url.Values{"Action": {"DescribeTargetHealth"}, "Version": {"2015-12-01"}, "TargetGroupArn": {arn}}
	resp, body = signedPost(t, api, form.Encode())
	if resp.StatusCode != 200 || strings.Count(string(body), "<Id>127.0.0.1</Id>") != 2 {
		t.Errorf("DescribeTargetHealth of %s: %d\n%s\nwant the two site instances", arn, resp.StatusCode, body)
	}
	// And the line itself, with whatever aws CLI is installed (scripts/install-test-deps.sh puts
	// Debian's there), from an empty HOME so that no profile of the machine helps it.
	if _, err := exec.LookPath("aws"); err != nil {
		t.Logf("no aws CLI on PATH: the printed line was checked through HTTP only")
		return
	}
	cmd := exec.Command("bash", "-c", line)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	got, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(got), "TargetHealthDescriptions") {
		t.Errorf("the printed aws CLI line failed: %v\n%s\n%s", err, line, got)
	}
}

// signedPost sends an ELBv2 Query API request signed as every SDK signs it: the API refuses
// unsigned calls, and without --api-credentials accepts any well-formed signature.
func signedPost(t *testing.T, api, form string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", api, strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(form))
	creds := aws.Credentials{AccessKeyID: "demo", SecretAccessKey: "demo"}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(sum[:]), "elasticloadbalancing", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}
