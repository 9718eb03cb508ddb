package main

import (
	"net/http/httptest"
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

// TestBrowserRead: exactly the documented browser reads go without a signature
// (docs/security.md): the dashboard, its data and login, /healthz and /metrics; never an API.
func TestBrowserRead(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		method, path string
		want         bool
	}{
		{"GET", "/healthz", true},
		{"HEAD", "/metrics", true},
		{"GET", "/dashboard/", true},
		{"GET", "/dashboard/state.json", true},
		{"GET", "/dashboard/login", true},
		{"POST", "/dashboard/login", true},
		{"POST", "/dashboard/", false},
		{"POST", "/metrics", false},
		{"GET", "/", false},
		{"GET", "/explain", false},
		{"GET", "/2015-03-31/functions", false},
		{"GET", "/dashboard", true},
	}
	for _, tc := range testCases {
		r := httptest.NewRequest(tc.method, tc.path, nil)
		if got := browserRead(r); got != tc.want {
			t.Errorf("%s %s: browser read %v; want %v", tc.method, tc.path, got, tc.want)
		}
	}
	limits := map[string]int64{"/": 1 << 20, "/explain": 1 << 20, "/2015-03-31/functions/f/invocations": 6 << 20,
		"/2015-03-31/functions": 70 << 20, "/2017-10-31/functions/f/concurrency": 70 << 20}
	for path, want := range limits {
		if got := apiBodyLimit(path); got != want {
			t.Errorf("apiBodyLimit(%s) = %d; want %d", path, got, want)
		}
	}
}
