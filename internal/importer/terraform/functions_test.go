package terraform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestFunctions evaluates the Terraform functions templates commonly use, with Terraform's
// documented results.
func TestFunctions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "policy.json"), []byte(`{"a":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "greeting.tftpl"), []byte(`Hello, ${name}!`), 0o644); err != nil {
		t.Fatal(err)
	}
	testCases := []struct {
		expr, want string
	}{
		{`format("%s-%03d", "web", 7)`, "web-007"},
		{`join(",", concat(["a"], ["b", "c"]))`, "a,b,c"},
		{`lookup({a = "x"}, "b", "fallback")`, "fallback"},
		{`element(["a", "b"], 3)`, "b"},
		{`tostring(length(merge({a = 1}, {b = 2})))`, "2"},
		{`jsonencode({b = [1, "x"], a = true})`, `{"a":true,"b":[1,"x"]}`},
		{`file("policy.json")`, `{"a":1}`},
		{`filebase64("policy.json")`, "eyJhIjoxfQ=="},
		{`filebase64sha256("policy.json")`, "AVq9f1zFei3ZS3WQ8ErYCEJzkF7jPsXOvq5iJ2qX+GI="},
		{`base64sha256("hello")`, "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="},
		{`sha256("hello")`, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
		{`md5("hello")`, "5d41402abc4b2a76b9719d911017c592"},
		{`replace("a-b-c", "-", "_")`, "a_b_c"},
		{`replace("v1.2.3", "/\\.[0-9]+$/", "")`, "v1.2"},
		{`tostring(one(tolist(["only"])))`, "only"},
		{`tostring(sum([1, 2, 3]))`, "6"},
		{`join(",", sort(tolist(toset(["b", "a", "b"]))))`, "a,b"},
		{`tostring(startswith("arn:aws", "arn:"))`, "true"},
		{`try(tostring({}.missing), "tried")`, "tried"},
		{`tostring(can(regex("^[0-9]+$", "12")))`, "true"},
		{`templatefile("greeting.tftpl", { name = "ALB" })`, "Hello, ALB!"},
		{`tostring(tomap({a = "1"})["a"])`, "1"},
		{`trimsuffix(basename("/x/y/lambda.zip"), ".zip")`, "lambda"},
		{`base64decode(base64encode("round"))`, "round"},
		{`tostring(alltrue([true, anytrue([false, true])]))`, "true"},
		{`cidrsubnet("10.1.0.0/16", 8, 2)`, "10.1.2.0/24"},
		{`cidrsubnet("172.16.0.0/12", 4, 15)`, "172.31.0.0/16"},
		{`cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)`, "fd00:fd12:3456:7800:a200::/72"},
		{`cidrhost("10.12.112.0/20", 16)`, "10.12.112.16"},
		{`cidrhost("10.12.112.0/20", -1)`, "10.12.127.255"},
		{`cidrnetmask("172.16.0.0/12")`, "255.240.0.0"},
	}
	fs := functions(dir, func(string) {})
	for _, bad := range []string{`cidrsubnet("10.0.0.0/8", 9223372036854775807, 1)`, `cidrsubnet("10.0.0.0/8", -1, 0)`,
		`cidrsubnet("10.0.0.0/8", 30, 0)`, `cidrhost("10.0.0.0/30", 4)`, `cidrnetmask("::/64")`, `cidrsubnet("10.0.0.0/8", 2, 4)`} {
		expr, diags := hclsyntax.ParseExpression([]byte(bad), "test.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		if _, diags := expr.Value(&hcl.EvalContext{Functions: fs}); !diags.HasErrors() {
			t.Errorf("%s: accepted, want an error", bad)
		}
	}
	for _, tc := range testCases {
		t.Run(tc.expr, func(t *testing.T) {
			t.Parallel()
			expr, diags := hclsyntax.ParseExpression([]byte(tc.expr), "test.tf", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			v, diags := expr.Value(&hcl.EvalContext{Functions: fs})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if v.Type() != cty.String || v.AsString() != tc.want {
				t.Errorf("got %#v, want %q", v, tc.want)
			}
		})
	}
}
