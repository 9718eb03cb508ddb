package controlapi

import (
	"net/http"
	"strings"
)

// RequireSignature wraps next so that every request must carry a valid SigV4 signature for v's
// credentials; others get a 403 in the error shape of the API they called (JSON for the Lambda
// REST paths, XML otherwise). Paths in open (e.g. /healthz) are not checked. A nil v lets every
// request through.
func RequireSignature(v *SigV4, open []string, next http.Handler) http.Handler {
	if v == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range open {
			if r.URL.Path == p {
				next.ServeHTTP(w, r)
				return
			}
		}
		if e := v.Verify(r); e != nil {
			if IsRESTPath(r.URL.Path) {
				WriteJSONError(w, e)
			} else {
				WriteQueryError(w, r, e)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// IsRESTPath reports whether path belongs to the Lambda REST API (/2015-03-31/..., /2017-10-31/...).
func IsRESTPath(path string) bool {
	return strings.HasPrefix(path, "/2015-03-31/") || strings.HasPrefix(path, "/2017-10-31/") ||
		strings.HasPrefix(path, "/2016-08-19/") || strings.HasPrefix(path, "/2019-09-30/")
}
