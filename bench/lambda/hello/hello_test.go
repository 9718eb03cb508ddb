package hello

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestRespond(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc       string
		method     string
		path       string
		wantStatus int
		wantMarker bool
	}{
		{desc: "GET is answered with the marker", method: "GET", path: "/fn/hello", wantStatus: 200, wantMarker: true},
		{desc: "HEAD is answered like GET", method: "HEAD", path: "/http/hello", wantStatus: 200, wantMarker: true},
		{desc: "a path needing JSON escapes stays valid JSON", method: "GET", path: `/a"b\c`, wantStatus: 200, wantMarker: true},
		{desc: "POST is refused so misrouted load counts as errors", method: "POST", path: "/fn/hello", wantStatus: http.StatusMethodNotAllowed},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got := Respond(tc.method, tc.path)
			if got.Status != tc.wantStatus {
				t.Fatalf("status = %d, want %d", got.Status, tc.wantStatus)
			}
			if strings.Contains(got.Body, Marker) != tc.wantMarker {
				t.Fatalf("body %q: marker present = %v, want %v", got.Body, !tc.wantMarker, tc.wantMarker)
			}
			var doc map[string]string
			if err := json.Unmarshal([]byte(got.Body), &doc); err != nil {
				t.Fatalf("body %q is not JSON: %v", got.Body, err)
			}
			if tc.wantMarker && (doc["method"] != tc.method || doc["path"] != tc.path) {
				t.Fatalf("body %q does not echo method %q and path %q", got.Body, tc.method, tc.path)
			}
		})
	}
}
