package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/controlapi"
)

// own calls one of Albatross's own endpoints (such as /strangler/diff) and decodes its JSON
// answer into out. Like every API request it is SigV4-signed, for the service "albatross"
// (controlapi.ServiceOf); form, when not empty, is sent as a POST body.
func (c *apiClient) own(method, path, form string, out any) error {
	req, err := http.NewRequest(method, strings.TrimSuffix(c.base, "/")+path, strings.NewReader(form))
	if err != nil {
		return err
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	data, status, err := c.do(req, form, controlapi.ServiceOf(req.URL.Path))
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, status, strings.TrimSpace(string(data)))
	}
	return json.Unmarshal(data, out)
}

// do sends req, whose body is body, SigV4-signed for service, and returns the answer's body (at
// most 16 MiB) and status. The API wants a signature on every request, verified only when it has
// credentials: without them it signs with placeholder ones, as the aws CLI does with any
// configured key, in $AWS_REGION or $AWS_DEFAULT_REGION, else us-east-1 (the region the server
// must be configured with when it checks signatures).
func (c *apiClient) do(req *http.Request, body, service string) ([]byte, int, error) {
	id, secret := c.id, c.secret
	if id == "" {
		id, secret = "albatross", "albatross"
	}
	region := cmp.Or(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), "us-east-1")
	controlapi.Sign(req, []byte(body), id, secret, region, service, time.Now())
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	return data, resp.StatusCode, err
}
