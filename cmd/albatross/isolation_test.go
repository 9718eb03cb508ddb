package main

import (
	"slices"
	"testing"
)

// TestSecretFiles: the files functions must not read are the @FILEs of the credentials flags
// (or of their variables, when the flag is not given) and etcd's client key; a literal secret
// names no file.
func TestSecretFiles(t *testing.T) {
	for _, tc := range []struct {
		name          string
		f             serveFlags
		apiEnv, stEnv string
		want          []string
	}{
		{name: "nothing"},
		{name: "literal credentials", f: serveFlags{apiCredentials: "ID:SECRET"}},
		{name: "@FILE flags and key", f: serveFlags{apiCredentials: "@/etc/albatross/api", cl: clusterFlags{storeCredentials: "@/etc/albatross/etcd", storeKey: "/etc/albatross/etcd.key"}},
			want: []string{"/etc/albatross/api", "/etc/albatross/etcd", "/etc/albatross/etcd.key"}},
		{name: "@FILE variables", apiEnv: "@/run/api", stEnv: "@/run/etcd", want: []string{"/run/api", "/run/etcd"}},
		{name: "a flag wins over its variable", f: serveFlags{apiCredentials: "ID:SECRET"}, apiEnv: "@/run/api"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(credentialsEnv, tc.apiEnv)
			t.Setenv(storeCredentialsEnv, tc.stEnv)
			if got := secretFiles(tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("secretFiles = %q, want %q", got, tc.want)
			}
		})
	}
}
