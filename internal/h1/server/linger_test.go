package server

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// TestEarlyAnswerToLargeBodyReachesTheClient: a handler that refuses a large body without
// reading it (LAM-03's 413, T9) closes the connection; the client, still sending the body, must
// read the answer, not a reset (net/http's lingering close). Both ways the loop answers: the
// handler's own response, and elberr's page written on the hijacked connection.
func TestEarlyAnswerToLargeBodyReachesTheClient(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"response", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "413 too large", http.StatusRequestEntityTooLarge)
		}},
		{"elberr page", func(w http.ResponseWriter, r *http.Request) {
			_ = elberr.Write(w, r, &elberr.Error{Status: http.StatusRequestEntityTooLarge}, true)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, _ := serve(t, tc.handler, 10*time.Second)
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}
			defer client.CloseIdleConnections()
			body := bytes.Repeat([]byte("a"), 8<<20)
			// Several times: the reset, when it comes, races the client's read of the answer.
			for range 10 {
				resp, err := client.Post("http://"+addr+"/big", "text/plain", bytes.NewReader(body))
				if err != nil {
					t.Fatalf("POST: %v, want the 413", err)
				}
				page, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(page), "413") {
					t.Fatalf("status %d, body %q, %v", resp.StatusCode, page, err)
				}
			}
		})
	}
}
