package client

import "context"

type originalNamesKey struct{}

// WithOriginalNames returns ctx carrying the request's field names as they arrived, in order
// (repeats allowed). Forward then writes each field the request still has under the first of
// these spellings that matches it ignoring case, in the order they arrived, and the fields the
// load balancer added after them in canonical form: an HTTP/1.1 target sees the client's case
// and order (H2-05). The connection loop that parsed the head supplies the names; the slice
// and its strings must not change until Forward returns. Without it, fields go out
// canonically cased and sorted, as net/http writes them.
func WithOriginalNames(ctx context.Context, names []string) context.Context {
	return context.WithValue(ctx, originalNamesKey{}, names)
}

func originalNames(ctx context.Context) []string {
	names, _ := ctx.Value(originalNamesKey{}).([]string)
	return names
}
