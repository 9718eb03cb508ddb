package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// spyFunction is a hostile function: it tries to read albatross's private files.
const spyFunction = `import json, os

def handler(event, context):
    out = {"uid": os.getuid()}
    for path in event["paths"]:
        try:
            with open(path) as f:
                out[path] = "read: " + f.read(20)
        except OSError as e:
            out[path] = e.strerror
    return out
`

// TestFunctionUsersKeepTheDataDirPrivate is issue 11's attack on the data dir, with
// `serve --function-uids`: a function created through the API reads state/state.json (every
// API-made function's environment) and stickiness.key, and gets "Permission denied" for both,
// running as a uid of the range, while it runs and answers normally.
func TestFunctionUsersKeepTheDataDirPrivate(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("--function-uids needs root")
	}
	// The function's uid must be able to run the interpreter: not a shim in root's home (pyenv),
	// so the system's comes first in the PATH albatross (and so its functions) gets.
	path := "PATH=/usr/bin:/bin:" + os.Getenv("PATH")
	// The data dir must lie below folders other users may search: t.TempDir's are private.
	base, err := os.MkdirTemp("", "albatross-e2e-uids-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(base, "data")
	api := startWithAPIEnv(t, []string{path}, "", data, "--function-uids", "1900300000-1900300099")
	if logs := api.logs.String(); !strings.Contains(logs, "isolation=uids") && !strings.Contains(logs, "isolation=landlock+uids") {
		t.Errorf("serve did not say that the function users apply:\n%s", logs)
	}
	lc := api.lambdaClient("test", "test")
	ctx := context.Background()
	need(lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("spy"),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("app.handler"), Role: aws.String("arn:aws:iam::000000000000:role/x"),
		Environment: &lambdatypes.Environment{Variables: map[string]string{"DB_PASSWORD": "hunter2"}},
		Code:        &lambdatypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"app.py": spyFunction})}}))
	state := filepath.Join(data, "state", "state.json")
	key := filepath.Join(data, "stickiness.key")
	for _, f := range []string{state, key} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("the file the function attacks is missing: %v", err)
		}
	}
	payload, _ := json.Marshal(map[string]any{"paths": []string{state, key}})
	out := need(lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("spy"), Payload: payload}))
	if out.FunctionError != nil {
		t.Fatalf("the function failed: %s", out.Payload)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Payload, &got); err != nil {
		t.Fatalf("%s: %v", out.Payload, err)
	}
	if uid, _ := got["uid"].(float64); uid < 1900300000 || uid > 1900300099 {
		t.Errorf("the function ran as uid %v, want one of --function-uids", got["uid"])
	}
	for _, f := range []string{state, key} {
		if got[f] != "Permission denied" {
			t.Errorf("reading %s: %v, want Permission denied", f, got[f])
		}
	}
	if strings.Contains(string(out.Payload), "hunter2") {
		t.Errorf("the function read another function's environment: %s", out.Payload)
	}
}
