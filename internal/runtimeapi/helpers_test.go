package runtimeapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// testClient is a hand-written custom runtime: raw HTTP against the Runtime API, so tests see the
// exact statuses and headers a runtime would.
type testClient struct {
	t    *testing.T
	base string
}

func newTestServer(t *testing.T) (*Server, *testClient) {
	t.Helper()
	s, err := New(Config{FunctionName: "fn", FunctionVersion: "$LATEST", Handler: "bootstrap", MaxResponseSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, &testClient{t: t, base: "http://" + s.Addr()}
}

// reply is an HTTP answer read in full.
type reply struct {
	status int
	header http.Header
	body   string
}

func (c *testClient) do(req *http.Request) reply {
	c.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (c *testClient) get(path string, header http.Header) reply {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return c.do(req)
}

func (c *testClient) post(path string, body []byte, header http.Header) reply {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return c.do(req)
}

// next performs GET /next in the background, as a runtime blocked in its poll loop.
func (c *testClient) next() <-chan reply {
	ch := make(chan reply, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, c.base+"/2018-06-01/runtime/invocation/next", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			ch <- reply{status: -1, body: err.Error()}
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		ch <- reply{status: resp.StatusCode, header: resp.Header, body: string(body)}
	}()
	return ch
}

// dispatchResult is what a background Dispatch returned.
type dispatchResult struct {
	res *Result
	err error
}

func dispatch(ctx context.Context, s *Server, inv *Invocation) <-chan dispatchResult {
	ch := make(chan dispatchResult, 1)
	go func() {
		res, err := s.Dispatch(ctx, inv)
		ch <- dispatchResult{res, err}
	}()
	return ch
}

// startInvocation dispatches an invocation with request ID id and receives it through GET /next.
func startInvocation(t *testing.T, s *Server, c *testClient, id string) <-chan dispatchResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	done := dispatch(ctx, s, &Invocation{RequestID: id, Payload: []byte(`{}`), Deadline: time.Now().Add(time.Minute)})
	if r := <-c.next(); r.status != http.StatusOK {
		t.Fatalf("GET next: %d %s", r.status, r.body)
	}
	return done
}

func wait(t *testing.T, ch <-chan dispatchResult) dispatchResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("Dispatch did not return")
		return dispatchResult{}
	}
}
