package runtimeapi

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestExtensionsAPI covers B.6: registration answers 200 with an identifier and the function's
// details (what aws-lambda-go's SIGTERM extension needs), identifiers are checked with 403, and
// telemetry/logs subscriptions are accepted with 202.
func TestExtensionsAPI(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	r := c.post("/2020-01-01/extension/register", []byte(`{"events":[]}`),
		http.Header{headerExtensionName: {"GoLangEnableSIGTERM"}})
	if r.status != http.StatusOK {
		t.Fatalf("register = %d %s", r.status, r.body)
	}
	id := r.header.Get(headerExtensionID)
	if len(id) != 36 {
		t.Errorf("Lambda-Extension-Identifier = %q, want a UUID", id)
	}
	var got registerResponse
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || got != (registerResponse{"fn", "$LATEST", "bootstrap"}) {
		t.Errorf("register body = %s (%v)", r.body, err)
	}
	checkGolden(t, "extension_missing_id", c.get("/2020-01-01/extension/event/next", nil))
	checkGolden(t, "extension_invalid_id", c.get("/2020-01-01/extension/event/next", http.Header{headerExtensionID: {"nope"}}))
	if r := c.post("/2020-01-01/extension/init/error", nil, http.Header{headerExtensionID: {id}}); r.status != http.StatusAccepted {
		t.Errorf("extension init/error = %d", r.status)
	}
	for _, p := range []string{"/2022-07-01/telemetry", "/2020-08-15/logs"} {
		req, _ := http.NewRequest(http.MethodPut, c.base+p, nil)
		if r := c.do(req); r.status != http.StatusAccepted {
			t.Errorf("PUT %s = %d, want 202", p, r.status)
		}
	}
	c.next() // ends Init; stays blocked until Close
	waitPolling(t, s)
	if r := c.post("/2020-01-01/extension/register", nil, nil); r.status != http.StatusForbidden {
		t.Errorf("register after Init = %d, want 403", r.status)
	}
}
