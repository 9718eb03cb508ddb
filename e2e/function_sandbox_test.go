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

// burglarFunction tries to read, list and write what it is given and reports each outcome.
const burglarFunction = `import os

def attempt(f):
    try:
        f()
        return "ok"
    except OSError as e:
        return e.strerror

def handler(event, context):
    out = {}
    for p in event["read"]:
        out["read " + p] = attempt(lambda: open(p).read())
    for p in event["list"]:
        out["list " + p] = attempt(lambda: os.listdir(p))
    for p in event["write"]:
        def write():
            with open(p, "w") as f:
                f.write("planted")
            os.remove(p)
        out["write " + p] = attempt(write)
    return out
`

// TestFunctionsCannotReachTheDataDir is the sibling of TestFunctionUsersKeepTheDataDirPrivate
// without --function-uids: by default, where the kernel has Landlock, a function made through
// the API runs as albatross's own user and still cannot read state/state.json, stickiness.key,
// the --api-credentials file or another function's code, nor list or write into the data dir,
// while its own code, the system's files and /tmp work. The data dir lies in /var/tmp, as a
// real one lies in ~/.cache: the folders on the way to it cannot take new entries (docs/security.md).
func TestFunctionsCannotReachTheDataDir(t *testing.T) {
	t.Parallel()
	base, err := os.MkdirTemp("/var/tmp", "albatross-e2e-sandbox-*")
	if err != nil {
		t.Skipf("no /var/tmp to hold the data dir: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	data := filepath.Join(base, "data")
	creds := filepath.Join(base, "credentials")
	writeFile(t, creds, "AKIDSANDBOX:sandbox-secret\n")
	api := startWithAPI(t, "", data, "--api-credentials", "@"+creds)
	if !strings.Contains(api.logs.String(), "isolation=landlock") {
		if strings.Contains(api.logs.String(), "isolation=none") {
			t.Skip("this kernel offers no Landlock: functions run unconfined (serve says isolation=none)")
		}
		t.Fatalf("serve did not log which isolation applies:\n%s", api.logs.String())
	}
	lc := api.lambdaClient("AKIDSANDBOX", "sandbox-secret")
	ctx := context.Background()
	create := func(name, code string, env map[string]string) {
		need(lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name),
			Runtime: lambdatypes.RuntimePython312, Handler: aws.String("app.handler"), Role: aws.String("arn:aws:iam::000000000000:role/x"),
			Environment: &lambdatypes.Environment{Variables: env},
			Code:        &lambdatypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"app.py": code})}}))
	}
	create("other", "SECRET = 'other'\ndef handler(event, context):\n    return SECRET\n", map[string]string{"DB_PASSWORD": "hunter2"})
	create("burglar", burglarFunction, nil)
	otherCode, _ := filepath.Glob(filepath.Join(data, "functions", "other", "*", "app.py"))
	state := filepath.Join(data, "state", "state.json")
	key := filepath.Join(data, "stickiness.key")
	if len(otherCode) != 1 {
		t.Fatalf("the other function's code: %q", otherCode)
	}
	for _, f := range []string{state, key} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("the file the function attacks is missing: %v", err)
		}
	}
	tmp, err := os.MkdirTemp("", "albatross-e2e-sandbox-tmp-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	event := map[string][]string{
		"read":  {state, key, creds, otherCode[0], "app.py", "/etc/passwd"},
		"list":  {data, filepath.Join(data, "functions"), "."},
		"write": {filepath.Join(data, "planted"), filepath.Join(data, "functions", "planted"), filepath.Join(tmp, "scratch"), "/tmp/albatross-e2e-sandbox-" + filepath.Base(base)},
	}
	want := map[string]string{
		"read " + state: "Permission denied", "read " + key: "Permission denied", "read " + creds: "Permission denied",
		"read " + otherCode[0]: "Permission denied", "read app.py": "ok", "read /etc/passwd": "ok",
		"list " + data: "Permission denied", "list " + filepath.Join(data, "functions"): "Permission denied", "list .": "ok",
		"write " + filepath.Join(data, "planted"): "Permission denied", "write " + filepath.Join(data, "functions", "planted"): "Permission denied",
		"write " + filepath.Join(tmp, "scratch"): "ok", "write /tmp/albatross-e2e-sandbox-" + filepath.Base(base): "ok",
	}
	payload, _ := json.Marshal(event)
	out := need(lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("burglar"), Payload: payload}))
	if out.FunctionError != nil {
		t.Fatalf("the function failed: %s", out.Payload)
	}
	var got map[string]string
	if err := json.Unmarshal(out.Payload, &got); err != nil {
		t.Fatalf("%s: %v", out.Payload, err)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
	if strings.Contains(string(out.Payload), "hunter2") || strings.Contains(string(out.Payload), "sandbox-secret") {
		t.Errorf("the function read a secret: %s", out.Payload)
	}
	if _, err := os.Stat(filepath.Join(data, "planted")); err == nil {
		t.Error("the function planted a file in the data dir")
	}
	// The other function, confined the same way, still runs from its own code.
	if out := need(lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("other")})); out.FunctionError != nil || string(out.Payload) != `"other"` {
		t.Errorf("the other function: %s %s", aws.ToString(out.FunctionError), out.Payload)
	}
}
