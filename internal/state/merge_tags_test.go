package state

import (
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// An API rule's "albatross." tags are its Albatross rule attributes in the served configuration
// (docs/strangler.md); its other tags are not, and the record itself keeps only tags.
func TestRuleTagsAreAlbatrossAttributes(t *testing.T) {
	t.Parallel()
	api := fixtureResources()
	api.Rules[0].Tags = append(api.Rules[0].Tags, Tag{Key: config.AttrShadowTargetGroup, Value: "web"},
		Tag{Key: config.AttrShadowPercentage, Value: "10"})
	merged := merge(nil, api)
	rules := merged.LoadBalancers[0].Listeners[0].Rules
	got := rules[0].AlbatrossAttributes
	if len(got) != 2 || got[config.AttrShadowTargetGroup] != "web" || got[config.AttrShadowPercentage] != "10" {
		t.Fatalf("attributes = %v", got)
	}
	if rules[1].AlbatrossAttributes != nil {
		t.Fatalf("an untagged rule has attributes %v", rules[1].AlbatrossAttributes)
	}
	if api.Rules[0].Spec.AlbatrossAttributes != nil {
		t.Fatal("merge wrote the attributes into the record")
	}
}
