package elbv2

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

// FuzzQueryAPI sends up to four Query requests (one form body per line) to a fresh API holding a
// file-defined load balancer, so that creations can be followed by changes. Whatever the forms
// say, every answer is a client error or success (never a 5xx), in the Query protocol's XML with
// a request ID.
func FuzzQueryAPI(f *testing.F) {
	f.Add("Action=DescribeLoadBalancers&Version=2015-12-01")
	f.Add("Action=CreateTargetGroup&Version=2015-12-01&Name=web&Protocol=HTTP&Port=80&VpcId=vpc-1&Matcher.HttpCode=200-299\n" +
		"Action=RegisterTargets&Version=2015-12-01&TargetGroupArn=arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0000000000000001&Targets.member.1.Id=127.0.0.1&Targets.member.1.Port=8080")
	f.Add("Action=CreateListener&Version=2015-12-01&LoadBalancerArn=arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/lb/0000000000000001&Protocol=HTTP&Port=8080" +
		"&DefaultActions.member.1.Type=fixed-response&DefaultActions.member.1.FixedResponseConfig.StatusCode=200\n" +
		"Action=CreateRule&Version=2015-12-01&ListenerArn=arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/lb/0000000000000001/0000000000000001&Priority=1" +
		"&Conditions.member.1.Field=path-pattern&Conditions.member.1.Values.member.1=/a*&Actions.member.1.Type=redirect&Actions.member.1.RedirectConfig.StatusCode=HTTP_301")
	f.Add("Action=ModifyLoadBalancerAttributes&Version=2015-12-01&LoadBalancerArn=arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/lb/0000000000000001" +
		"&Attributes.member.1.Key=access_logs.s3.prefix&Attributes.member.1.Value=../../x")
	f.Add("Action=DescribeTargetGroups&Version=2015-12-01&Names.member.1=web&Names.member.100000000000000000000=x&PageSize=0&Marker=%ff")
	f.Add("Action=AddTags&Version=2015-12-01&ResourceArns.member.1=x&Tags.member.1.Key=&Tags.member.1.Value=v")
	f.Add("Action=Nope&Version=2016-01-01")
	file := &config.Config{LoadBalancers: []config.LoadBalancer{{Name: "lb"}}}
	f.Fuzz(func(t *testing.T, forms string) {
		store, err := state.Open(state.Options{Now: func() time.Time { return time.Unix(1e9, 0) }})
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SetFile(context.Background(), file); err != nil {
			t.Fatal(err)
		}
		n := 0
		h := controlapi.WithRequestID(New(Options{Store: store, NewID: func() string { n++; return fmt.Sprintf("%016x", n) }}))
		for i, body := range strings.SplitN(forms, "\n", 5) {
			if i == 4 {
				break
			}
			method := http.MethodPost
			req := httptest.NewRequest(method, "/", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			checkQueryAnswer(t, body, w)
		}
	})
}

func checkQueryAnswer(t *testing.T, body string, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code >= 500 {
		t.Fatalf("%q: status %d %s", body, w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/xml" {
		t.Fatalf("%q: Content-Type %q", body, ct)
	}
	dec := xml.NewDecoder(strings.NewReader(w.Body.String()))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%q: the answer is not XML (%v): %s", body, err, w.Body)
		}
	}
	if !strings.Contains(w.Body.String(), "<RequestId>") {
		t.Fatalf("%q: no RequestId in %s", body, w.Body)
	}
}
