package cloudformation

import (
	"strings"
	"testing"
)

// TestProvisionedConcurrency: the ProvisionedConcurrencyConfig of an alias or a version, and a
// SAM function's, becomes the function's provisioned_concurrency (environments started at once
// and kept warm); a function's aliases and versions add up, as Albatross holds one version; an
// alias of a function outside the template has no effect and says so.
func TestProvisionedConcurrency(t *testing.T) {
	t.Parallel()
	src := `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.h
      ReservedConcurrentExecutions: 10
      Code: {ZipFile: "exports.h = async () => ({statusCode: 200})"}
  FnVersion:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref Fn
      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 1}
  FnLive:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !GetAtt Fn.Arn
      FunctionVersion: !GetAtt FnVersion.Version
      Name: live
      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 2}
  Other:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: arn:aws:lambda:us-east-1:123456789012:function:elsewhere
      FunctionVersion: "3"
      Name: live
      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 4}
  Sam:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.h
      InlineCode: "exports.h = async () => ({statusCode: 200})"
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 3}
`
	tmpl, err := Parse([]byte(src), Options{File: "t.yaml", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := tmpl.Translate()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range res.Config.Functions {
		got[f.FunctionName] = f.ProvisionedConcurrency
	}
	if got["Fn"] != 3 || got["Sam"] != 3 {
		t.Errorf("provisioned concurrency = %v, want Fn 3 (version 1 + alias 2) and Sam 3", got)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), `Resources.Other.Properties.ProvisionedConcurrencyConfig has no effect: "elsewhere" is not a function of this template`) {
		t.Errorf("warnings = %v", res.Warnings)
	}
	if err := res.Config.Validate(); err != nil {
		t.Errorf("validate: %v", err)
	}
}
