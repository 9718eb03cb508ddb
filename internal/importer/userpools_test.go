package importer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/importer/values"
)

// cognitoModule is a Terraform module whose HTTPS listener signs users in with a Cognito pool.
const cognitoModule = `
resource "aws_lb" "main" { name = "main" }
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn
  port              = 8443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:eu-west-1:123456789012:certificate/site"
  default_action {
    type = "authenticate-cognito"
    authenticate_cognito {
      user_pool_arn       = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Local1"
      user_pool_client_id = "client"
      user_pool_domain    = "tickets"
    }
  }
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }
}
`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const certValues = `values:
  "attr:arn:aws:acm:eu-west-1:123456789012:certificate/site.certificate_file": site.pem
  "attr:arn:aws:acm:eu-west-1:123456789012:certificate/site.private_key_file": site.key
`

// TestUserPoolsFromValues: a source has no place for albatross_user_pools, so --values gives
// them, in Albatross YAML's shape; they reach the configuration (a Cognito rule from a template
// then signs in offline) and are validated with their problems named under the values file.
func TestUserPoolsFromValues(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, pools string
		want        string // a problem, or "" for none
	}{
		{"users", `albatross_user_pools:
  - user_pool_arn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Local1
    users: [{username: ann, password: pw, claims: {email: ann@example.com}}]
`, ""},
		{"an unknown key", `albatross_user_pools:
  - user_pool_arn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Local1
    userz: []
`, "values.yaml: albatross_user_pools: line 6: field userz not found in type config.UserPool"},
		{"a user without a name", `albatross_user_pools:
  - user_pool_arn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Local1
    users: [{password: pw}]
`, "values.yaml: albatross_user_pools[0].users[0].username: is required"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, map[string]string{"main.tf": cognitoModule, "values.yaml": certValues + tc.pools,
				"site.pem": "x", "site.key": "x"})
			vals, err := values.Load(filepath.Join(dir, "values.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			vals.Path = "values.yaml"
			res, err := Load(dir, Options{Values: vals, CacheDir: t.TempDir()})
			if tc.want == "" {
				// The PEM files are placeholders: only their check may fail.
				var ps config.Problems
				if err != nil && (!errors.As(err, &ps) || strings.Contains(err.Error(), "albatross_user_pools")) {
					t.Fatalf("err = %v", err)
				}
				if res == nil || len(res.Config.UserPools) != 1 || res.Config.UserPools[0].Users[0].Claims["email"] != "ann@example.com" {
					t.Errorf("user pools = %+v", res)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := values.Parse("v.yaml", ".", []byte("albatross_user_pools: {user_pool_arn: x}\n")); err == nil || !strings.Contains(err.Error(), "must be a list of user pools") {
		t.Errorf("a map instead of a list: %v", err)
	}
}
