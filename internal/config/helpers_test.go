package config

import (
	"errors"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

// baseYAML is a small valid configuration that the table tests mutate one thing at a time.
const baseYAML = `
load_balancers:
  - name: web
    listeners:
      - port: 8080
        default_actions: [{type: forward, target_group_name: site}]
        rules:
          - priority: 10
            conditions: [{field: path-pattern, values: ["/api/*"]}]
            actions: [{type: forward, target_group_name: api}]
target_groups:
  - name: site
    port: 8081
    targets: [{id: 127.0.0.1}]
  - name: api
    target_type: lambda
    targets: [{id: api}]
functions:
  - function_name: api
    runtime: provided.al2023
    code: functions/api
`

// mutation changes a valid base configuration into the case under test.
type mutation func(c *Config)

// validationCase is one row of a validation table: after mutate, Validate reports exactly the
// problem paths in want (none for a valid case).
type validationCase struct {
	desc   string
	mutate mutation
	want   []string
}

// runValidation runs a validation table in parallel subtests.
func runValidation(t *testing.T, testCases []validationCase) {
	t.Helper()
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			c := base(t)
			tc.mutate(c)
			got := problemPaths(t, c.Validate())
			if !slices.Equal(got, tc.want) {
				t.Errorf("problem paths = %q, want %q\n%v", got, tc.want, c.Validate())
			}
		})
	}
}

// base returns a fresh copy of the base configuration, checking that it is valid.
func base(t *testing.T) *Config {
	t.Helper()
	c, err := Parse([]byte(baseYAML))
	if err != nil {
		t.Fatalf("base config: %v", err)
	}
	return c
}

// problemPaths returns the paths of a Validate result (nil for no error).
func problemPaths(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Validate returned %T, want Problems", err)
	}
	return ps.Paths()
}

// fromYAML decodes a YAML fragment into v, panicking on error (test tables only).
func fromYAML[T any](s string) T {
	var v T
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	return v
}

func ptr[T any](v T) *T { return &v }

func lst(c *Config) *Listener { return &c.LoadBalancers[0].Listeners[0] }

// httpsListener makes the first listener HTTPS (certificate files are not read by Validate).
func httpsListener(c *Config) {
	lst(c).Protocol = ProtocolHTTPS
	lst(c).Certificates = []Certificate{{CertificateFile: "c", PrivateKeyFile: "k"}}
}

func rule(c *Config) *Rule { return &lst(c).Rules[0] }

// paths builds want lists: paths("a", "b") == []string{"a", "b"}.
func paths(p ...string) []string { return p }

// Common paths in the base configuration.
const (
	lb0   = "load_balancers[0]"
	lst0  = lb0 + ".listeners[0]"
	rule0 = lst0 + ".rules[0]"
	cond0 = rule0 + ".conditions[0]"
	act0  = rule0 + ".actions[0]"
	tg0   = "target_groups[0]"
	tg1   = "target_groups[1]"
	fn0   = "functions[0]"
)
