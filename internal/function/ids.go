package function

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// InvocationOptions carry per-invocation values from the caller to the Runtime API headers (B.1).
type InvocationOptions struct {
	// TraceID is the X-Ray trace header (Root=...;Parent=...;Sampled=...); "" means a new one.
	TraceID string
	// ClientContext and CognitoIdentity are JSON documents; "" means the header is not sent.
	ClientContext, CognitoIdentity string
	// InvokedFunctionARN overrides the ARN sent to the function (for example with a qualifier).
	InvokedFunctionARN string
}

type optionsKey struct{}

// WithInvocationOptions returns a context whose invocations carry opts.
func WithInvocationOptions(ctx context.Context, opts InvocationOptions) context.Context {
	return context.WithValue(ctx, optionsKey{}, opts)
}

func optionsFrom(ctx context.Context) InvocationOptions {
	opts, _ := ctx.Value(optionsKey{}).(InvocationOptions)
	return opts
}

// newRequestID returns a random UUID, the form of Lambda request IDs.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newTraceID returns an X-Ray trace header, Root=1-<epoch hex>-<96-bit hex>;Parent=<64-bit
// hex>;Sampled=0, as Lambda hands to runtimes in Lambda-Runtime-Trace-Id.
func newTraceID(now time.Time) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return "Root=1-" + strconv.FormatInt(now.Unix(), 16) + "-" + hex.EncodeToString(b[:12]) +
		";Parent=" + hex.EncodeToString(b[12:]) + ";Sampled=0"
}
