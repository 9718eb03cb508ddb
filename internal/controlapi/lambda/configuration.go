package lambda

import (
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/state"
)

// lastModifiedFormat is Lambda's LastModified string format, e.g. 2020-04-10T19:06:32.563+0000
// (C.5).
const lastModifiedFormat = "2006-01-02T15:04:05.000-0700"

// functionConfiguration is the FunctionConfiguration shape (C.5); every member is optional for
// clients.
type functionConfiguration struct {
	FunctionName     string            `json:"FunctionName"`
	FunctionArn      string            `json:"FunctionArn"`
	Runtime          string            `json:"Runtime,omitempty"`
	Role             string            `json:"Role,omitempty"`
	Handler          string            `json:"Handler,omitempty"`
	CodeSize         int64             `json:"CodeSize"`
	Description      string            `json:"Description"`
	Timeout          int               `json:"Timeout"`
	MemorySize       int               `json:"MemorySize"`
	LastModified     string            `json:"LastModified"`
	CodeSha256       string            `json:"CodeSha256,omitempty"`
	Version          string            `json:"Version"`
	Environment      *environment      `json:"Environment,omitempty"`
	TracingConfig    map[string]string `json:"TracingConfig"`
	RevisionID       string            `json:"RevisionId,omitempty"`
	State            string            `json:"State"`
	LastUpdateStatus string            `json:"LastUpdateStatus"`
	PackageType      string            `json:"PackageType"`
	Architectures    []string          `json:"Architectures"`
	EphemeralStorage map[string]int    `json:"EphemeralStorage"`
}

type environment struct {
	Variables map[string]string `json:"Variables"`
}

// renderConfiguration describes a function. Functions are Active as soon as they exist: the
// store applies a function (builds and starts it) before CreateFunction answers, so the
// function-active waiter succeeds on its first call.
func renderConfiguration(f *state.Function) functionConfiguration {
	s := f.Spec
	out := functionConfiguration{
		FunctionName:     s.FunctionName,
		FunctionArn:      f.ARN,
		Runtime:          s.Runtime,
		Role:             orDefault(f.Role, "arn:aws:iam::"+accountOf(f.ARN)+":role/albatross"),
		Handler:          s.Handler,
		CodeSize:         f.CodeSize,
		Description:      s.Description,
		Timeout:          int(s.EffectiveTimeout().Seconds()),
		MemorySize:       s.EffectiveMemorySize(),
		LastModified:     f.LastModified.UTC().Format(lastModifiedFormat),
		CodeSha256:       f.CodeSHA256,
		Version:          "$LATEST",
		TracingConfig:    map[string]string{"Mode": "PassThrough"},
		RevisionID:       f.RevisionID,
		State:            "Active",
		LastUpdateStatus: "Successful",
		PackageType:      "Zip",
		Architectures:    []string{"x86_64"},
		EphemeralStorage: map[string]int{"Size": 512},
	}
	if s.Environment != nil && len(s.Environment.Variables) > 0 {
		out.Environment = &environment{Variables: s.Environment.Variables}
	}
	return out
}

// accountOf returns the account field of an ARN.
func accountOf(arn string) string {
	if f := strings.Split(arn, ":"); len(f) > 4 && f[4] != "" {
		return f[4]
	}
	return config.DefaultAccountID
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
