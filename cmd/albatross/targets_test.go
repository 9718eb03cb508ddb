package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/controlapi/elbv2"
	"github.com/albatross-lb/albatross/internal/state"
)

// fixedHealth reports a state per target port, as the data plane would (HC-04).
type fixedHealth map[int]elbv2.TargetHealth

func (f fixedHealth) TargetHealth(_ string, tg *config.TargetGroup, t config.Target) elbv2.TargetHealth {
	if tg.EffectiveTargetType() == config.TargetTypeLambda {
		return elbv2.TargetHealth{State: "unavailable", Reason: "Target.HealthCheckDisabled", Description: "Health checks are disabled"}
	}
	return f[t.Port]
}

// targetsAPI serves the ELBv2 API over a store with two target groups, signed with key:secret
// when signed is set.
func targetsAPI(t *testing.T, signed bool) string {
	t.Helper()
	code := t.TempDir()
	if err := os.WriteFile(filepath.Join(code, "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	store, err := state.Open(state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{TargetGroups: []config.TargetGroup{
		{Name: "site", Port: 8081, Targets: []config.Target{{ID: "127.0.0.1", Port: 8081}, {ID: "127.0.0.1", Port: 8082}}},
		{Name: "api", TargetType: config.TargetTypeLambda, Targets: []config.Target{{ID: "api"}}},
	}, Functions: []config.Function{{FunctionName: "api", Runtime: "provided.al2023", Code: code}}}
	if err := store.SetFile(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	health := fixedHealth{
		8081: {State: "healthy"},
		8082: {State: "unhealthy", Reason: "Target.ResponseCodeMismatch", Description: "Health checks failed with these codes: [503]"},
	}
	var verifier *controlapi.SigV4
	if signed {
		verifier = &controlapi.SigV4{Credentials: map[string]string{"AKIDTEST": "secret"}}
	}
	guard := &controlapi.Guard{Verifier: verifier, Hosts: controlapi.HostPolicy{Addr: "127.0.0.1:0"}, BodyLimit: apiBodyLimit}
	srv := httptest.NewServer(controlapi.WithRequestID(guard.Wrap(elbv2.New(elbv2.Options{Store: store, Health: health}))))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// TestTargetsCommand: `albatross targets` prints every target's state, reason and description
// (HC-04) through DescribeTargetHealth, signed with placeholder credentials or the real ones, for
// all groups or one.
func TestTargetsCommand(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc   string
		signed bool
		args   []string
		want   []string
		code   int
	}{
		{desc: "all groups", args: nil, want: []string{
			"TARGET GROUP  TARGET          STATE        REASON                       DESCRIPTION",
			"site          127.0.0.1:8081  healthy      -                            -",
			"site          127.0.0.1:8082  unhealthy    Target.ResponseCodeMismatch  Health checks failed with these codes: [503]",
			"api           api             unavailable  Target.HealthCheckDisabled   Health checks are disabled",
		}},
		{desc: "one group, signed", signed: true, args: []string{"--target-group", "api", "--api-credentials", "AKIDTEST:secret"}, want: []string{
			"TARGET GROUP  TARGET  STATE        REASON                      DESCRIPTION",
			"api           api     unavailable  Target.HealthCheckDisabled  Health checks are disabled",
		}},
		{desc: "wrong secret", signed: true, args: []string{"--api-credentials", "AKIDTEST:wrong"}, code: 1},
		{desc: "unknown group", args: []string{"--target-group", "nope"}, code: 1},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			addr := targetsAPI(t, tc.signed)
			var stdout, stderr bytes.Buffer
			code := targets(append([]string{"--api-addr", addr}, tc.args...), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, stderr.String())
			}
			if tc.code != 0 {
				if stderr.Len() == 0 {
					t.Error("failure without a message")
				}
				return
			}
			var got []string
			for _, line := range strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n") {
				got = append(got, strings.TrimRight(line, " "))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("output:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
	var stderr bytes.Buffer
	if code := targets(nil, &bytes.Buffer{}, &stderr); code != 2 || !strings.Contains(stderr.String(), "--api-addr") {
		t.Errorf("without --api-addr: exit %d, %q", code, stderr.String())
	}
}
