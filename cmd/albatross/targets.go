package main

import (
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"
)

// targets prints each target's health state, reason and description (HC-04) as a running
// `albatross serve --api-addr` reports them through DescribeTargetHealth, for every target group
// or the one named by --target-group. It exits 1 when the API cannot be reached or refuses.
func targets(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("targets", flag.ContinueOnError)
	fs.SetOutput(stderr)
	apiAddr := fs.String("api-addr", "", "`HOST:PORT` of the running server's API (as given to serve --api-addr)")
	group := fs.String("target-group", "", "show only the target group of this `name`")
	creds := fs.String("api-credentials", "", "`ACCESS_KEY_ID:SECRET` or @FILE to sign requests (default $"+credentialsEnv+")")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *apiAddr == "" {
		fmt.Fprintln(stderr, "albatross targets: --api-addr is required")
		return 2
	}
	c := &apiClient{base: "http://" + *apiAddr + "/", http: &http.Client{Timeout: 10 * time.Second}}
	if err := c.setCredentials(*creds); err != nil {
		fmt.Fprintln(stderr, "albatross targets:", err)
		return 2
	}
	if err := printTargets(c, *group, stdout); err != nil {
		fmt.Fprintln(stderr, "albatross targets:", err)
		return 1
	}
	return 0
}

// printTargets writes one line per target: group, target, state, reason, description.
func printTargets(c *apiClient, group string, w io.Writer) error {
	groups, err := c.targetGroups(group)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET GROUP\tTARGET\tSTATE\tREASON\tDESCRIPTION")
	for _, g := range groups {
		var out describeTargetHealthResponse
		if err := c.call("DescribeTargetHealth", url.Values{"TargetGroupArn": {g.ARN}}, &out); err != nil {
			return err
		}
		for _, d := range out.Descriptions {
			target := d.Target.ID
			if d.Target.Port != "" {
				target += ":" + d.Target.Port
			}
			h := d.TargetHealth
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", g.Name, target, h.State, dash(h.Reason), dash(h.Description))
		}
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type targetGroupRef struct {
	Name string `xml:"TargetGroupName"`
	ARN  string `xml:"TargetGroupArn"`
}

type describeTargetGroupsResponse struct {
	Groups     []targetGroupRef `xml:"DescribeTargetGroupsResult>TargetGroups>member"`
	NextMarker string           `xml:"DescribeTargetGroupsResult>NextMarker"`
}

type describeTargetHealthResponse struct {
	Descriptions []struct {
		Target struct {
			ID   string `xml:"Id"`
			Port string `xml:"Port"`
		} `xml:"Target"`
		TargetHealth struct {
			State       string `xml:"State"`
			Reason      string `xml:"Reason"`
			Description string `xml:"Description"`
		} `xml:"TargetHealth"`
	} `xml:"DescribeTargetHealthResult>TargetHealthDescriptions>member"`
}

type errorResponse struct {
	Code    string `xml:"Error>Code"`
	Message string `xml:"Error>Message"`
}

// targetGroups lists every target group (following NextMarker), or the one named.
func (c *apiClient) targetGroups(name string) ([]targetGroupRef, error) {
	var all []targetGroupRef
	params := url.Values{}
	if name != "" {
		params.Set("Names.member.1", name)
	}
	for {
		var out describeTargetGroupsResponse
		if err := c.call("DescribeTargetGroups", params, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Groups...)
		if out.NextMarker == "" {
			return all, nil
		}
		params.Set("Marker", out.NextMarker)
	}
}

// apiClient calls the ELBv2 Query API, signing with SigV4 when it has credentials.
type apiClient struct {
	base       string
	http       *http.Client
	id, secret string
}

// setCredentials reads "ID:SECRET", "@FILE" or, when s is empty, $ALBATROSS_API_CREDENTIALS;
// nothing at all means placeholder credentials (the API verifies none).
func (c *apiClient) setCredentials(s string) error {
	id, secret, err := readCredentials(s)
	c.id, c.secret = id, secret
	return err
}

// call performs one API action and decodes the XML answer into out.
func (c *apiClient) call(action string, params url.Values, out any) error {
	form := url.Values{"Action": {action}, "Version": {"2015-12-01"}}
	for k, v := range params {
		form[k] = v
	}
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, c.base, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	data, status, err := c.do(req, body, "elasticloadbalancing")
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		var e errorResponse
		if xml.Unmarshal(data, &e) == nil && e.Code != "" {
			return fmt.Errorf("%s: %s: %s", action, e.Code, e.Message)
		}
		return fmt.Errorf("%s: HTTP %d", action, status)
	}
	return xml.Unmarshal(data, out)
}
