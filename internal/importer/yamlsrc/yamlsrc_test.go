package yamlsrc

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestShortTagsBecomeLongForm(t *testing.T) {
	src := "A: !Ref X\nB: !GetAtt Fn.Arn\nC: !Sub\n  - '${a}'\n  - {a: !Ref Z}\nD: !Condition IsProd\n"
	root, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := root.Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A": "map[Ref:X]", "B": "map[Fn::GetAtt:[Fn Arn]]",
		"C": "map[Fn::Sub:[${a} map[a:map[Ref:Z]]]]", "D": "map[Condition:IsProd]",
	}
	for k, w := range want {
		if g := fmtValue(got[k]); g != w {
			t.Errorf("%s = %s, want %s", k, g, w)
		}
	}
	if n := Get(root, "A"); n.Line != 1 || n.Column != 4 {
		t.Errorf("!Ref keeps its position: %d:%d", n.Line, n.Column)
	}
}

func fmtValue(v any) string {
	b := new(strings.Builder)
	yamlFmt(b, v)
	return b.String()
}

func yamlFmt(b *strings.Builder, v any) {
	switch v := v.(type) {
	case map[string]any:
		b.WriteString("map[")
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		for i, k := range sortStrings(keys) {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(k + ":")
			yamlFmt(b, v[k])
		}
		b.WriteString("]")
	case []any:
		b.WriteString("[")
		for i, e := range v {
			if i > 0 {
				b.WriteString(" ")
			}
			yamlFmt(b, e)
		}
		b.WriteString("]")
	default:
		b.WriteString(strings.TrimSpace(yamlString(v)))
	}
}

func yamlString(v any) string {
	out, _ := yaml.Marshal(v)
	return string(out)
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func TestParseErrorsHavePositions(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"conflict", "a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> main\n", "t.yaml:2:1: git conflict marker"},
		{"tab", "a:\n\tb: 1\n", "t.yaml:2:1: tab in indentation"},
		{"unknown tag", "a: !Reff X\n", "t.yaml:1:4: unknown tag !Reff"},
		{"syntax", "a: [1\n", "t.yaml:"},
		{"duplicate key", "a: 1\nb: 2\na: 3\n", "t.yaml:3:1: duplicate key \"a\""},
		{"two docs", "a: 1\n---\nb: 2\n", "t.yaml:2:1: only one YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestJSONWithTabs(t *testing.T) {
	root, err := Parse("t.json", []byte("{\n\t\"A\": {\"Ref\": \"X\"}\n}"))
	if err != nil {
		t.Fatal(err)
	}
	if n := Get(Get(root, "A"), "Ref"); n == nil || n.Value != "X" || n.Line != 2 {
		t.Fatalf("A.Ref = %+v", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("A: !Ref X\nB: !GetAtt A.B\n"))
	f.Add([]byte("{\"a\": [1, 2]}"))
	f.Add([]byte("a: &x !Sub s\nb: *x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse("f.yaml", data)
	})
}
