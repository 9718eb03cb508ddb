package runtimeapi

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestResultPosts covers B.1/B.2/B.3: how /response and /error posts are answered on the wire
// (golden files) and what the waiting invocation receives.
func TestResultPosts(t *testing.T) {
	t.Parallel()
	stack := `{"errorMessage":"boom","errorType":"errorString","stackTrace":[{"path":"main.go","line":3,"label":"main"}]}`
	testCases := []struct {
		desc   string
		golden string
		post   func(c *testClient, id string) reply
		check  func(t *testing.T, r *Result)
	}{{
		desc:   "B.1 response is accepted with 202 and passed through",
		golden: "response_accepted",
		post: func(c *testClient, id string) reply {
			return c.post(path(id, "response"), []byte(`{"statusCode":200}`), http.Header{"Content-Type": {"application/json"}})
		},
		check: func(t *testing.T, r *Result) {
			if r.Error || string(r.Payload) != `{"statusCode":200}` || r.ContentType != "application/json" {
				t.Errorf("result = %+v", r)
			}
		},
	}, {
		desc:   "B.1 error body is passed through verbatim, stackTrace objects included",
		golden: "error_accepted",
		post:   func(c *testClient, id string) reply { return c.post(path(id, "error"), []byte(stack), nil) },
		check: func(t *testing.T, r *Result) {
			if !r.Error || string(r.Payload) != stack || r.ErrorType != "" {
				t.Errorf("result = %+v", r)
			}
		},
	}, {
		desc:   "B.1 error without body is built from the error-type header",
		golden: "error_accepted",
		post: func(c *testClient, id string) reply {
			return c.post(path(id, "error"), nil, http.Header{headerFunctionErr: {"Runtime.NoSuchHandler"}})
		},
		check: func(t *testing.T, r *Result) {
			if want := `{"errorMessage":"","errorType":"Runtime.NoSuchHandler"}`; string(r.Payload) != want {
				t.Errorf("payload = %s, want %s", r.Payload, want)
			}
		},
	}, {
		desc:   "B.3 oversize response gets 413 and fails the invocation",
		golden: "response_too_large",
		post: func(c *testClient, id string) reply {
			return c.post(path(id, "response"), bytes.Repeat([]byte("x"), 2000), nil)
		},
		check: func(t *testing.T, r *Result) {
			if !r.TooLarge || r.Size != 2000 || r.Payload != nil {
				t.Errorf("result = %+v", r)
			}
		},
	}, {
		desc:   "B.2 unknown response mode gets 400 and fails the invocation",
		golden: "response_bad_mode",
		post: func(c *testClient, id string) reply {
			return c.post(path(id, "response"), []byte("x"), http.Header{headerResponseMode: {"buffered-ish"}})
		},
		check: func(t *testing.T, r *Result) {
			if !r.Error || r.ErrorType != "Runtime.InvalidResponseModeHeader" {
				t.Errorf("result = %+v", r)
			}
		},
	}, {
		desc:   "B.2 chunked streamed response with error trailers becomes an error",
		golden: "response_accepted",
		post:   postStreamedError,
		check: func(t *testing.T, r *Result) {
			if !r.Error || r.ErrorType != "Function.Oops" || string(r.Payload) != `{"errorMessage":"mid-stream"}` {
				t.Errorf("result = %+v", r)
			}
		},
	}}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			s, c := newTestServer(t)
			done := startInvocation(t, s, c, "req-1")
			checkGolden(t, tc.golden, tc.post(c, "req-1"))
			got := wait(t, done)
			if got.err != nil {
				t.Fatal(got.err)
			}
			tc.check(t, got.res)
		})
	}
}

// TestRefusedPosts covers B.1's 400 InvalidRequestID and the 403 for a second result.
func TestRefusedPosts(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	done := startInvocation(t, s, c, "req-1")
	checkGolden(t, "unknown_request_id", c.post(path("other", "response"), []byte("x"), nil))
	checkGolden(t, "unknown_request_id", c.post(path("other", "error"), []byte("x"), nil))
	if r := c.post(path("req-1", "response"), []byte("first"), nil); r.status != http.StatusAccepted {
		t.Fatalf("first response = %d", r.status)
	}
	checkGolden(t, "second_response", c.post(path("req-1", "response"), []byte("second"), nil))
	checkGolden(t, "second_error", c.post(path("req-1", "error"), []byte("second"), nil))
	if got := wait(t, done); string(got.res.Payload) != "first" {
		t.Fatalf("payload = %q, want the first result", got.res.Payload)
	}
}

func path(id, kind string) string {
	return "/2018-06-01/runtime/invocation/" + id + "/" + kind
}

// postStreamedError sends a chunked body and sets the error trailers at its end, the way a
// streaming runtime reports a mid-stream failure (B.2).
func postStreamedError(c *testClient, id string) reply {
	c.t.Helper()
	body := &trailerReader{r: strings.NewReader("partial")}
	req, err := http.NewRequest(http.MethodPost, c.base+path(id, "response"), body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set(headerResponseMode, responseModeStreaming)
	req.Trailer = http.Header{headerFunctionErr: nil, headerFunctionBody: nil}
	body.trailer = req.Trailer
	return c.do(req)
}

type trailerReader struct {
	r       io.Reader
	trailer http.Header
}

func (t *trailerReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err == io.EOF {
		t.trailer.Set(headerFunctionErr, "Function.Oops")
		t.trailer.Set(headerFunctionBody, base64.StdEncoding.EncodeToString([]byte(`{"errorMessage":"mid-stream"}`)))
	}
	return n, err
}
