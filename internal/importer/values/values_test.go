package values

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = `
values:
  ssm:/tickets/subnets: [subnet-1, subnet-2]
  cf:network.VpcId: vpc-123
  import:Port: 8080
code:
  s3://bucket/api.zip: build/api.zip
  /abs/fn: /abs/fn
targets:
  i-0abc: 127.0.0.1:8081
  10.0.1.5:80: 127.0.0.1:8082
`

func TestLookups(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "values.yaml")
	if err := os.WriteFile(path, []byte(sample), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := f.Value("ssm:/tickets/subnets"); err != nil || len(v.([]any)) != 2 {
		t.Errorf("list value = %v, %v", v, err)
	}
	if s, err := f.String("import:Port"); err != nil || s != "8080" {
		t.Errorf("number as string = %q, %v", s, err)
	}
	if _, err := f.String("ssm:/tickets/subnets"); err == nil {
		t.Error("a list read as a string must be an error")
	}
	if p, err := f.Code("tickets-api", "s3://bucket/api.zip"); err != nil || p != filepath.Join(dir, "build/api.zip") {
		t.Errorf("code = %q, %v", p, err)
	}
	if a, err := f.Target("10.0.1.5", 80); err != nil || a != "127.0.0.1:8082" {
		t.Errorf("target id:port = %q, %v", a, err)
	}
	if a, err := f.Target("i-0abc", 80); err != nil || a != "127.0.0.1:8081" {
		t.Errorf("target id = %q, %v", a, err)
	}
}

func TestMissingNamesKeyAndSection(t *testing.T) {
	var nilFile *File
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"nil value", second(nilFile.Value("ssm:/x")), []string{`"ssm:/x"`, "pass --values FILE", `"values:"`}},
		{"nil code", second(nilFile.Code("s3://b/k.zip", "fn")), []string{`"s3://b/k.zip" or "fn"`, `"code:"`}},
		{"target", second(FromMaps(nil, nil, nil).Target("i-1", 80)), []string{`"i-1:80" or "i-1"`, `"targets:"`}},
		{"with file", second((&File{Path: "v.yaml"}).Value("cf:s.O")), []string{"add it to v.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !IsMissing(tt.err) {
				t.Fatalf("err = %v, want a MissingError", tt.err)
			}
			for _, w := range tt.want {
				if !strings.Contains(tt.err.Error(), w) {
					t.Errorf("%q does not contain %q", tt.err, w)
				}
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

func TestParseErrors(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"valuez: {}", "field valuez not found"},
		{"targets: {i-1: localhost}", "must be host:port"},
		{"values: {nosource: 1}", "keys are source:name"},
		{"code: {s3://b/k: ''}", "a local zip or folder is required"},
	}
	for _, tt := range tests {
		_, err := Parse("v.yaml", "/", []byte(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "v.yaml: ") {
			t.Errorf("Parse(%q) = %v, want %q", tt.doc, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("values: [1]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse("v.yaml", "/", data)
	})
}
