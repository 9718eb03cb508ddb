package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// apiInstance is an albatross process serving the control API.
type apiInstance struct {
	*instance
	apiURL  string
	apiPort int
	dataDir string
}

// startWithAPI runs `albatross serve --api-addr` with config (may be "") and extra flags, and
// waits for the API port. dataDir is reused when not empty (restart tests).
func startWithAPI(t *testing.T, config, dataDir string, extra ...string) *apiInstance {
	t.Helper()
	return startWithAPIEnv(t, nil, config, dataDir, extra...)
}

// startWithAPIEnv is startWithAPI with extra environment variables ("NAME=value") for the
// process alone: a test that gives them to its own albatross, not with t.Setenv to the whole
// test process, can run in parallel with the others.
func startWithAPIEnv(t *testing.T, env []string, config, dataDir string, extra ...string) *apiInstance {
	t.Helper()
	dir := t.TempDir()
	if dataDir == "" {
		dataDir = filepath.Join(dir, "data")
	}
	port := freePort(t)
	args := []string{"serve", "--api-addr", fmt.Sprintf("127.0.0.1:%d", port), "--data-dir", dataDir}
	inst := &instance{t: t, logs: &testkit.Buffer{}, exited: make(chan error, 1)}
	if config != "" {
		inst.config = filepath.Join(dir, "albatross.yaml")
		writeFile(t, inst.config, config)
		args = append(args, "--config", inst.config)
	}
	inst.cmd = exec.Command(binary, append(args, extra...)...)
	inst.cmd.Stdout, inst.cmd.Stderr = inst.logs, inst.logs
	if env != nil {
		inst.cmd.Env = append(os.Environ(), env...)
	}
	if err := inst.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { inst.exited <- inst.cmd.Wait() }()
	t.Cleanup(func() {
		_ = inst.stop()
		inst.checkLogs()
	})
	inst.waitPort(port)
	return &apiInstance{instance: inst, apiURL: fmt.Sprintf("http://127.0.0.1:%d", port), apiPort: port, dataDir: dataDir}
}

// sdkConfig is an aws-sdk-go-v2 configuration with dummy static credentials and no retries
// beyond the default, pointed at nothing in particular (each client sets BaseEndpoint).
func sdkConfig(id, secret string) aws.Config {
	return aws.Config{
		Region: "us-east-1",
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, Source: "test"}, nil
		}),
		// Generous: a call that times out is retried by the SDK, and a retried create that had
		// succeeded reads as a conflict (409 "already exist") on a loaded machine.
		HTTPClient: &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{Proxy: nil}},
	}
}

func (a *apiInstance) elbClient(id, secret string) *elb.Client {
	return elb.NewFromConfig(sdkConfig(id, secret), func(o *elb.Options) { o.BaseEndpoint = aws.String(a.apiURL) })
}

func (a *apiInstance) lambdaClient(id, secret string) *lambda.Client {
	return lambda.NewFromConfig(sdkConfig(id, secret), func(o *lambda.Options) { o.BaseEndpoint = aws.String(a.apiURL) })
}

// kill stops the process with SIGKILL, as a crash would.
func (a *apiInstance) kill() {
	_ = a.cmd.Process.Kill()
	<-a.exited
	a.exited <- nil
}

// zipOf builds a zip package from file names and contents; names ending in "bootstrap" are
// executable.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o644)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pyFunction is a Python handler for the API scenarios: it logs a line, fails when asked, and
// otherwise answers an ALB event with its path and a version marker, or echoes other events.
func pyFunction(version string) string {
	return `import json

def handler(event, context):
    print("handling " + json.dumps(event)[:100])
    if event.get("fail"):
        raise ValueError("asked to fail")
    if "httpMethod" in event:
        return {"statusCode": 200, "headers": {"content-type": "application/json"},
                "body": json.dumps({"fn": "` + version + `", "path": event["path"]})}
    return {"echo": event, "fn": "` + version + `"}
`
}

// httpGet fetches url from the data plane and returns the status and body.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, body := do(t, client(), newRequest(t, http.MethodGet, url, nil))
	return resp.StatusCode, string(body)
}

// eventually retries check until it returns nil or 60 s pass: generous, since it returns as
// soon as check does, and a loaded machine (TestClusterThreeNodes: a rule reached node 2 18 s
// after the function's code did) needs more than the 10 s it used to wait.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// execCombined runs a command to completion (bounded) and returns its combined output.
func execCombined(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}
