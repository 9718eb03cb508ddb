package config

import (
	"strings"
	"testing"
)

func fn(c *Config) *Function { return &c.Functions[0] }

func TestValidateFunctions(t *testing.T) {
	t.Parallel()
	runValidation(t, []validationCase{
		{desc: "name 64 characters", mutate: func(c *Config) {
			fn(c).FunctionName = strings.Repeat("a", 64)
			c.TargetGroups[1].Targets[0].ID = fn(c).FunctionName
		}},
		{desc: "name 65 characters", want: paths(tg1+".targets[0].id", fn0+".function_name"), mutate: func(c *Config) {
			fn(c).FunctionName = strings.Repeat("a", 65)
		}},
		{desc: "name with a dot", want: paths(tg1+".targets[0].id", fn0+".function_name"), mutate: func(c *Config) { fn(c).FunctionName = "a.b" }},
		{desc: "duplicate name", want: paths("functions[1].function_name"), mutate: func(c *Config) {
			c.Functions = append(c.Functions, *fn(c))
		}},
		{desc: "runtime unknown", want: paths(fn0 + ".runtime"), mutate: func(c *Config) { fn(c).Runtime = "go1.x" }},
		{desc: "runtime python3.13 with handler", mutate: func(c *Config) { fn(c).Runtime, fn(c).Handler = "python3.13", "app.handler" }},
		{desc: "handler required for nodejs", want: paths(fn0 + ".handler"), mutate: func(c *Config) { fn(c).Runtime = "nodejs22.x" }},
		{desc: "handler with space", want: paths(fn0 + ".handler"), mutate: func(c *Config) { fn(c).Handler = "a b" }},
		{desc: "code required", want: paths(fn0 + ".code"), mutate: func(c *Config) { fn(c).Code = "" }},
		{desc: "build go", mutate: func(c *Config) { fn(c).Build = "go" }},
		{desc: "build go only for provided", want: paths(fn0 + ".build"), mutate: func(c *Config) {
			fn(c).Runtime, fn(c).Handler, fn(c).Build = "nodejs20.x", "index.handler", "go"
		}},
		{desc: "build rust", want: paths(fn0 + ".build"), mutate: func(c *Config) { fn(c).Build = "rust" }},
		{desc: "timeout 900", mutate: func(c *Config) { fn(c).Timeout = ptr(900) }},
		{desc: "timeout 0", want: paths(fn0 + ".timeout"), mutate: func(c *Config) { fn(c).Timeout = ptr(0) }},
		{desc: "memory 10241", want: paths(fn0 + ".memory_size"), mutate: func(c *Config) { fn(c).MemorySize = ptr(10241) }},
		{desc: "memory 127", want: paths(fn0 + ".memory_size"), mutate: func(c *Config) { fn(c).MemorySize = ptr(127) }},
		{desc: "environment", mutate: func(c *Config) {
			fn(c).Environment = &Environment{Variables: map[string]string{"STAGE": "dev", "a_1": "x"}}
		}},
		{desc: "B.4 reserved variable", want: paths(fn0 + `.environment.variables["AWS_REGION"]`), mutate: func(c *Config) {
			fn(c).Environment = &Environment{Variables: map[string]string{"AWS_REGION": "eu-west-1"}}
		}},
		{desc: "variable name starting with a digit", want: paths(fn0 + `.environment.variables["1A"]`), mutate: func(c *Config) {
			fn(c).Environment = &Environment{Variables: map[string]string{"1A": "x"}}
		}},
		{desc: "environment 4 KB", mutate: func(c *Config) {
			fn(c).Environment = &Environment{Variables: map[string]string{"A": strings.Repeat("x", 4095)}}
		}},
		{desc: "environment over 4 KB", want: paths(fn0 + ".environment.variables"), mutate: func(c *Config) {
			fn(c).Environment = &Environment{Variables: map[string]string{"A": strings.Repeat("x", 4096)}}
		}},
		{desc: "reserved concurrency 0 (throttled)", mutate: func(c *Config) { fn(c).ReservedConcurrentExecutions = ptr(0) }},
		{desc: "reserved concurrency 1001", want: paths(fn0 + ".reserved_concurrent_executions"), mutate: func(c *Config) {
			fn(c).ReservedConcurrentExecutions = ptr(1001)
		}},
		{desc: "provisioned above reserved", want: paths(fn0 + ".provisioned_concurrency"), mutate: func(c *Config) {
			fn(c).ReservedConcurrentExecutions, fn(c).ProvisionedConcurrency = ptr(2), 3
		}},
		{desc: "provisioned negative", want: paths(fn0 + ".provisioned_concurrency"), mutate: func(c *Config) { fn(c).ProvisionedConcurrency = -1 }},
		{desc: "provisioned without reserved", mutate: func(c *Config) { fn(c).ProvisionedConcurrency = 5 }},
	})
}

func TestUnavailableFunctionSkipsRuntimeAndCode(t *testing.T) {
	cfg := &Config{Functions: []Function{{FunctionName: "legacy", Runtime: "dotnetcore2.1", Unavailable: "Albatross has no dotnet runtime"}}}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("an unavailable function needs no supported runtime or code: %v", err)
	}
	cfg.Functions[0].Timeout = new(int)
	if err := cfg.Validate(); err == nil {
		t.Fatal("limits still apply to an unavailable function")
	}
}

// TestDecodeFunctionWatchCode: watch_code lives in the function's own albatross block, apart
// from the Lambda keys; absent means watched, and a value that is not a boolean or an unknown key
// there is refused with its line.
func TestDecodeFunctionWatchCode(t *testing.T) {
	t.Parallel()
	const fn = "functions:\n  - function_name: f\n    runtime: python3.12\n    handler: app.handler\n    code: .\n"
	testCases := []struct {
		desc, block string
		want        bool
		wantErr     string
	}{
		{desc: "absent", want: true},
		{desc: "empty block", block: "    albatross: {}\n", want: true},
		{desc: "on", block: "    albatross:\n      watch_code: true\n", want: true},
		{desc: "off", block: "    albatross:\n      watch_code: false\n", want: false},
		{desc: "not a boolean", block: "    albatross:\n      watch_code: sometimes\n", wantErr: "line 7"},
		{desc: "unknown key", block: "    albatross:\n      watch: false\n", wantErr: "line 7"},
		{desc: "not at the top of the function", block: "    watch_code: false\n", wantErr: "line 6"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			c, err := Parse([]byte(fn + tc.block))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse error = %v, want one at %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Functions[0].WatchesCode(); got != tc.want {
				t.Errorf("WatchesCode = %t, want %t", got, tc.want)
			}
		})
	}
}
