package elbv2

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

type stubWeights map[string]map[string]int

func (s stubWeights) ForwardWeights(rule string) (map[string]int, bool) {
	w, ok := s[rule]
	return w, ok
}

// An API rule's albatross. tags turn on a shift (docs/strangler.md), and DescribeRules then shows
// the weights the shift controller set instead of the configured ones.
func TestShiftTagsAndLiveWeights(t *testing.T) {
	api := setupErrors(t)
	r10 := ruleARN0(1, 3)
	if status, body := api.call("AddTags", "ResourceArns.member.1="+r10, "Tags.member.1.Key="+config.AttrShiftTargetGroup,
		"Tags.member.1.Value=fn"); status != 200 {
		t.Fatalf("AddTags: %d %s", status, body)
	}
	var shifted []int
	for _, lb := range api.store.Snapshot().Config.LoadBalancers {
		for _, l := range lb.Listeners {
			for _, r := range l.Rules {
				if r.AlbatrossAttributes[config.AttrShiftTargetGroup] == "fn" {
					shifted = append(shifted, r.Priority)
				}
			}
		}
	}
	if len(shifted) != 1 || shifted[0] != 10 {
		t.Fatalf("served rules with the shift attribute: %v, want rule 10", shifted)
	}

	h := New(Options{Store: api.store, Weights: stubWeights{"demo/8080/10": {"fn": 25, "web": 75}}})
	form := url.Values{"Action": {"DescribeRules"}, "Version": {"2015-12-01"}, "RuleArns.member.1": {r10}}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	weights := regexp.MustCompile(`targetgroup/(\w+)/\w+</TargetGroupArn>\s*<Weight>(\d+)</Weight>`).FindAllStringSubmatch(rec.Body.String(), -1)
	got := map[string]string{}
	for _, w := range weights {
		got[w[1]] = w[2]
	}
	if rec.Code != 200 || got["fn"] != "25" || got["web"] != "75" {
		t.Fatalf("DescribeRules: %d weights %v\n%s", rec.Code, got, rec.Body.String())
	}
}
