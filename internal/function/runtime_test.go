package function

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHandWrittenRuntime drives a custom runtime that speaks raw HTTP (testdata/fn/raw.go) and
// reports what it saw: B.1 headers of /next, 400 InvalidRequestID for a wrong ID, 202 for the
// result and 403 for a second result.
func TestHandWrittenRuntime(t *testing.T) {
	t.Parallel()
	f, logs := newTestFunction(t, func(s *Spec) { s.Env = map[string]string{"FN_RUNTIME": "raw"} })
	start := time.Now()
	resp, err := f.InvokeWith(t.Context(), Invocation{
		Payload: []byte(`{"hello":"raw"}`),
		TraceID: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", ClientContext: `{"env":{}}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	var seen struct {
		NextStatus    int                 `json:"nextStatus"`
		Event         string              `json:"event"`
		Headers       map[string][]string `json:"headers"`
		WrongIDStatus int                 `json:"wrongIdStatus"`
		WrongIDBody   string              `json:"wrongIdBody"`
	}
	if err := json.Unmarshal(resp.Payload, &seen); err != nil {
		t.Fatalf("%v: %s", err, resp.Payload)
	}
	h := func(k string) string { return strings.Join(seen.Headers[k], ",") }
	deadline, _ := strconv.ParseInt(h("Lambda-Runtime-Deadline-Ms"), 10, 64)
	if want := start.Add(5 * time.Second).UnixMilli(); deadline < want-1000 || deadline > want+1000 {
		t.Errorf("Lambda-Runtime-Deadline-Ms = %d, want about %d", deadline, want)
	}
	checks := map[string]string{
		"Lambda-Runtime-Aws-Request-Id":       resp.RequestID,
		"Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:000000000000:function:fn",
		"Lambda-Runtime-Trace-Id":             "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
		"Lambda-Runtime-Client-Context":       `{"env":{}}`,
		"Content-Type":                        "application/json",
	}
	for k, want := range checks {
		if got := h(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if _, ok := seen.Headers["Lambda-Runtime-Cognito-Identity"]; ok {
		t.Error("Cognito header sent without a value")
	}
	if seen.NextStatus != 200 || seen.Event != `{"hello":"raw"}` || seen.WrongIDStatus != 400 ||
		seen.WrongIDBody != `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}` {
		t.Errorf("seen = %+v", seen)
	}
	eventually(t, "second response refused", func() bool {
		return strings.Contains(logs.String(), `response: 202 {\"status\":\"OK\"} second: 403`)
	})
	if again, err := f.Invoke(t.Context(), []byte(`{}`)); err != nil || !regexp.MustCompile(`Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0`).Match(again.Payload) {
		t.Errorf("generated trace id missing: %s (%v)", again.Payload, err)
	}
}

// TestFunctionEnvironment covers B.4 end to end: what a function built with aws-lambda-go sees.
func TestFunctionEnvironment(t *testing.T) {
	t.Parallel()
	var root string
	f, _ := newTestFunction(t, func(s *Spec) {
		s.Env = map[string]string{"STAGE": "dev"}
		s.MemoryMB = 256
		s.Region = "eu-west-1"
		root = s.TaskRoot
	})
	resp := invoke(t, f, `{"action":"context"}`)
	var got struct {
		RequestID string   `json:"requestId"`
		ARN       string   `json:"arn"`
		Env       []string `json:"env"`
		WD        string   `json:"wd"`
	}
	if err := json.Unmarshal(resp.Payload, &got); err != nil {
		t.Fatal(err)
	}
	if got.RequestID != resp.RequestID || got.ARN != "arn:aws:lambda:eu-west-1:000000000000:function:fn" {
		t.Errorf("lambdacontext = %+v", got)
	}
	if wd, _ := filepath.EvalSymlinks(got.WD); wd != mustEval(t, root) {
		t.Errorf("working directory = %s, want %s", got.WD, root)
	}
	for _, want := range []string{"STAGE=dev", "AWS_LAMBDA_FUNCTION_NAME=fn", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_REGION=eu-west-1", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "LAMBDA_TASK_ROOT=" + root, "_HANDLER=bootstrap",
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand", "TZ=:UTC", "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/fn"} {
		if !slices.Contains(got.Env, want) {
			t.Errorf("environment lacks %s", want)
		}
	}
	if !strings.Contains(string(resp.LogTail), "Memory Size: 256 MB") {
		t.Errorf("tail = %s", resp.LogTail)
	}
}

func mustEval(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
