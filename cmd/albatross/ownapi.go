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
	id, secret := c.id, c.secret
	if id == "" {
		id, secret = "albatross", "albatross"
	}
	region := cmp.Or(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), "us-east-1")
	controlapi.Sign(req, []byte(form), id, secret, region, controlapi.ServiceOf(req.URL.Path), time.Now())
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(data)))
	}
	return json.Unmarshal(data, out)
}
