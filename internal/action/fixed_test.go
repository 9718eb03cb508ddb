package action

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/albatross-lb/albatross/internal/observe"
)

// TestFixedResponse checks FIX-01/FIX-02/ERR-02 through a real server and client: the configured
// status, content type and body, exactly; HEAD without body; no sniffed Content-Type when none
// is configured; Server: awselb/2.0 only when enabled (HDR-RESP-01); actions_executed.
func TestFixedResponse(t *testing.T) {
	testCases := []struct {
		desc        string
		status      int
		contentType string
		body        string
		server      bool
		method      string
		wantType    []string
		wantBody    string
	}{
		{desc: "T27 404 text/plain nope", status: 404, contentType: "text/plain", body: "nope", server: true,
			method: http.MethodGet, wantType: []string{"text/plain"}, wantBody: "nope"},
		{desc: "200 application/json", status: 200, contentType: "application/json", body: `{"ok":true}`,
			method: http.MethodGet, wantType: []string{"application/json"}, wantBody: `{"ok":true}`},
		{desc: "no content type: none sniffed from an HTML body", status: 503, body: "<html><body>down</body></html>",
			method: http.MethodGet, wantType: nil, wantBody: "<html><body>down</body></html>"},
		{desc: "empty body", status: 500, contentType: "text/css", method: http.MethodGet,
			wantType: []string{"text/css"}, wantBody: ""},
		{desc: "HEAD: headers, no body", status: 418, contentType: "text/html", body: "short and stout", server: true,
			method: http.MethodHead, wantType: []string{"text/html"}, wantBody: ""},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got := make(chan *observe.Exchange, 1)
			srv := httptest.NewServer(exchangeHandler(NewFixedResponse(tc.status, tc.contentType, tc.body, tc.server), 80, got))
			defer srv.Close()
			req, _ := http.NewRequest(tc.method, srv.URL+"/x", nil)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if ct := resp.Header.Values("Content-Type"); !slices.Equal(ct, tc.wantType) {
				t.Errorf("Content-Type %q, want %q", ct, tc.wantType)
			}
			if string(body) != tc.wantBody {
				t.Errorf("body %q, want %q", body, tc.wantBody)
			}
			if resp.ContentLength != int64(len(tc.body)) {
				t.Errorf("Content-Length %d, want %d (also for HEAD)", resp.ContentLength, len(tc.body))
			}
			if wantServer := map[bool]string{true: "awselb/2.0"}[tc.server]; resp.Header.Get("Server") != wantServer {
				t.Errorf("Server %q, want %q", resp.Header.Get("Server"), wantServer)
			}
			if ex := <-got; !slices.Equal(ex.ActionsExecuted, []string{NameFixedResponse}) {
				t.Errorf("actions_executed %v", ex.ActionsExecuted)
			}
		})
	}
}
