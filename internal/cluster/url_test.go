package cluster

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseStore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Store
		wantErr string
	}{
		{in: "etcd://10.0.0.1:2379", want: Store{Endpoints: []string{"10.0.0.1:2379"}, Prefix: DefaultPrefix}},
		{in: "etcd://a:2379,b:2379,[::1]:2379/lb/prod/", want: Store{Endpoints: []string{"a:2379", "b:2379", "[::1]:2379"}, Prefix: "/lb/prod"}},
		{in: "etcds://alb:p%40ss:word@a:2379/x", want: Store{Endpoints: []string{"a:2379"}, Prefix: "/x", TLS: true, User: "alb", Password: "p@ss:word"}},
		{in: "http://a:2379", wantErr: `scheme "http"`},
		{in: "a:2379", wantErr: "want etcd://"},
		{in: "etcd://a,b:2379", wantErr: `endpoint "a"`},
		{in: "etcd://:2379", wantErr: `endpoint ":2379"`},
		{in: "etcd://@a:1", wantErr: "empty user"},
	}
	for _, tt := range tests {
		got, err := ParseStore(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseStore(%q): %v; want an error with %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseStore(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestRedactedHidesThePassword(t *testing.T) {
	t.Parallel()
	st, err := ParseStore("etcds://u:secret@a:1,b:2/p")
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Redacted(); strings.Contains(got, "secret") || got != "etcds://u:xxxxx@a:1,b:2/p" {
		t.Errorf("Redacted() = %q", got)
	}
}

func FuzzParseStore(f *testing.F) {
	for _, s := range []string{"etcd://a:1", "etcds://u:p@a:1,b:2/x/y", "etcd://[::1]:2379/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseStore(s)
		if err != nil {
			return
		}
		if len(st.Endpoints) == 0 || !strings.HasPrefix(st.Prefix, "/") || strings.HasSuffix(st.Prefix, "/") {
			t.Errorf("ParseStore(%q) = %+v: no endpoint or a prefix not /-led or /-ended", s, st)
		}
	})
}
