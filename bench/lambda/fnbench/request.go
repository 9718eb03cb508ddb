package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// target is what every benchmark request is sent to and how its answer is judged.
type target struct {
	url    string
	method string
	body   []byte
	// expect holds strings that a successful answer's body contains, all of them.
	expect []string
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// targetFlags registers the flags that describe a target; resolve turns them into one.
func targetFlags(fs *flag.FlagSet) (resolve func() (target, error)) {
	url := fs.String("url", "", "`URL` every request goes to (required)")
	method := fs.String("method", "GET", "request `method`")
	bodyFile := fs.String("body-file", "", "`file` whose contents are every request's body (e.g. the emulator's event)")
	var expect stringList
	fs.Var(&expect, "expect", "a `string` a successful answer's body contains (repeatable; all must be present)")
	return func() (target, error) {
		t := target{url: *url, method: *method, expect: expect}
		if t.url == "" {
			return t, fmt.Errorf("-url is required")
		}
		if *bodyFile != "" {
			b, err := os.ReadFile(*bodyFile)
			if err != nil {
				return t, err
			}
			t.body = b
		}
		return t, nil
	}
}

// newRequest builds one request for t; the body is a fresh reader over the shared bytes.
func (t target) newRequest(ctx context.Context) (*http.Request, error) {
	var body io.Reader
	if t.body != nil {
		body = bytes.NewReader(t.body)
	}
	return http.NewRequestWithContext(ctx, t.method, t.url, body)
}

// judge reports whether an answer counts as successful, and if not, why.
func (t target) judge(status int, body []byte) (bool, string) {
	if status != http.StatusOK {
		return false, fmt.Sprintf("status %d: %.200s", status, body)
	}
	for _, s := range t.expect {
		if !bytes.Contains(body, []byte(s)) {
			return false, fmt.Sprintf("status 200 without %q: %.200s", s, body)
		}
	}
	return true, ""
}

// newClient returns a client keeping up to conns keep-alive connections to one host.
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// exchange sends one request and reads the whole answer into buf (reset first).
func (t target) exchange(ctx context.Context, c *http.Client, buf *bytes.Buffer) (status int, err error) {
	req, err := t.newRequest(ctx)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	return resp.StatusCode, err
}
