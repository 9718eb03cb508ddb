package lambda

import (
	"context"
	"errors"
	"regexp"

	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/function/codedir"
)

// unpack writes the zip package to the function's code folder (see codedir): durable before the
// state names it, unpacked once per package, unpacked again when found torn.
// In a cluster the package is also stored for the other nodes before the state names it.
func (h *Handler) unpack(ctx context.Context, function string, zipped []byte) (codedir.Code, error) {
	code, err := codedir.Unpack(h.opts.CodeDir, function, zipped)
	var bad *codedir.InvalidError
	if errors.As(err, &bad) {
		return code, invalidParameter("%s", bad.Message)
	}
	if err == nil && h.opts.SharedCode != nil {
		err = h.opts.SharedCode.PutCode(ctx, zipped)
	}
	return code, err
}

// functionNameRe is Lambda's pattern for a function name given as a name (the API also takes
// ARNs where it looks a function up, never where it creates one).
var functionNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// validateFunctionName refuses a name before anything uses it, in particular before it names a
// folder: "../x" must not reach the file system (docs/security.md).
func validateFunctionName(name string) error {
	if functionNameRe.MatchString(name) {
		return nil
	}
	return controlapi.Errorf("ValidationException", "1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: "+
		"Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length less than or equal to 64", name)
}
