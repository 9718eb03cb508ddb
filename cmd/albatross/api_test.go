package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:4566", true},
		{"[::1]:4566", true},
		{"localhost:4566", true},
		{":4566", false}, // all interfaces
		{"0.0.0.0:4566", false},
		{"192.168.1.2:4566", false},
		{"example.com:4566", false},
	}
	for _, tc := range testCases {
		t.Run(tc.addr, func(t *testing.T) {
			t.Parallel()
			if got := isLoopback(tc.addr); got != tc.want {
				t.Errorf("isLoopback(%q) = %v; want %v", tc.addr, got, tc.want)
			}
		})
	}
}

func TestParseCredentials(t *testing.T) {
	file := filepath.Join(t.TempDir(), "creds")
	if err := os.WriteFile(file, []byte("FILEID:filesecret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	testCases := []struct {
		desc, flag, env, wantID, wantSecret string
		wantErr                             bool
	}{
		{desc: "none", wantID: ""},
		{desc: "flag", flag: "ID:secret:with:colons", wantID: "ID", wantSecret: "secret:with:colons"},
		{desc: "file", flag: "@" + file, wantID: "FILEID", wantSecret: "filesecret"},
		{desc: "environment", env: "ENVID:envsecret", wantID: "ENVID", wantSecret: "envsecret"},
		{desc: "flag wins over environment", flag: "ID:s", env: "ENVID:e", wantID: "ID", wantSecret: "s"},
		{desc: "no secret", flag: "ID:", wantErr: true},
		{desc: "missing file", flag: "@" + file + ".nope", wantErr: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Setenv(credentialsEnv, tc.env)
			v, err := parseCredentials(tc.flag)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v; want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if tc.wantID == "" {
				if v != nil {
					t.Fatalf("verifier %+v; want none", v)
				}
				return
			}
			if v == nil || v.Credentials[tc.wantID] != tc.wantSecret {
				t.Fatalf("verifier %+v; want %s:%s", v, tc.wantID, tc.wantSecret)
			}
		})
	}
}
