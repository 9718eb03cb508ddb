package process

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestLambdaEnv covers B.4: the variables a runtime expects, reserved keys that functions cannot
// override, unreserved defaults they can, and no _LAMBDA_SERVER_PORT ever.
func TestLambdaEnv(t *testing.T) {
	t.Parallel()
	base := Environment{
		FunctionName: "api", MemoryMB: 256, Region: "eu-west-1", Handler: "index.handler",
		Runtime: "nodejs20.x", TaskRoot: "/srv/fn", RuntimeDir: "/srv/rt", RuntimeAPI: "127.0.0.1:9001",
		HostPath: "/host/bin",
	}
	testCases := []struct {
		desc   string
		modify func(*Environment)
		want   map[string]string // "" means absent
	}{{
		desc: "B.4 defined variables",
		want: map[string]string{
			"AWS_LAMBDA_FUNCTION_NAME": "api", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
			"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1",
			"AWS_EXECUTION_ENV": "AWS_Lambda_nodejs20.x", "_HANDLER": "index.handler",
			"LAMBDA_TASK_ROOT": "/srv/fn", "LAMBDA_RUNTIME_DIR": "/srv/rt", "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
			"AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/api",
			"TZ": ":UTC", "LANG": "en_US.UTF-8", "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin:/host/bin",
			"AWS_ACCESS_KEY_ID": placeholderAccessKeyID, "AWS_SESSION_TOKEN": placeholderSessionToken,
		},
	}, {
		desc:   "B.4 provided runtimes have no AWS_EXECUTION_ENV; provisioned type",
		modify: func(e *Environment) { e.Runtime = "provided.al2023"; e.InitializationType = InitProvisioned },
		want:   map[string]string{"AWS_EXECUTION_ENV": "", "AWS_LAMBDA_INITIALIZATION_TYPE": "provisioned-concurrency"},
	}, {
		desc: "function variables cannot override reserved keys but can override defaults",
		modify: func(e *Environment) {
			e.Variables = map[string]string{"AWS_REGION": "us-west-2", "TZ": "Europe/Paris", "STAGE": "dev",
				"AWS_ACCESS_KEY_ID": "mine", "_LAMBDA_SERVER_PORT": "8001"}
		},
		want: map[string]string{"AWS_REGION": "eu-west-1", "TZ": "Europe/Paris", "STAGE": "dev",
			"AWS_ACCESS_KEY_ID": "mine", "_LAMBDA_SERVER_PORT": ""},
	}}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			e := base
			if tc.modify != nil {
				tc.modify(&e)
			}
			got := map[string]string{}
			for _, kv := range LambdaEnv(e) {
				k, v, _ := strings.Cut(kv, "=")
				got[k] = v
			}
			for k, want := range tc.want {
				if v, ok := got[k]; want == "" && ok || want != "" && v != want {
					t.Errorf("%s = %q, want %q", k, v, want)
				}
			}
			if !regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`).MatchString(got["AWS_LAMBDA_LOG_STREAM_NAME"]) {
				t.Errorf("log stream = %q", got["AWS_LAMBDA_LOG_STREAM_NAME"])
			}
		})
	}
}

// TestProcessSeesOnlyItsEnvironment: nothing of the host leaks in, and the working directory is
// the task root.
func TestProcessSeesOnlyItsEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out strings.Builder
	lines := make(chan string, 64)
	p, err := Start(Config{Command: []string{os.Args[0]}, Dir: dir,
		Env:    append(LambdaEnv(Environment{FunctionName: "f", TaskRoot: dir}), "PROCESS_HELPER=env"),
		Output: func(_ Stream, l string) { lines <- l }})
	if err != nil {
		t.Fatal(err)
	}
	p.Exit()
	close(lines)
	for l := range lines {
		out.WriteString(l + "\n")
	}
	env := scanLines(out.String())
	if !slices.Contains(env, "WD="+dir) || !slices.Contains(env, "AWS_LAMBDA_FUNCTION_NAME=f") || slices.Contains(env, "HOME="+os.Getenv("HOME")) {
		t.Errorf("environment = %q", env)
	}
}
