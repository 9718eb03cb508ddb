package elbv2

import (
	"strings"

	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

var tagOps = map[string]operation{
	"AddTags":      addTags,
	"RemoveTags":   removeTags,
	"DescribeTags": describeTags,
}

// sourceTag marks resources defined in the configuration file in DescribeTags, so that API users
// can tell which resources they cannot change.
var sourceTag = state.Tag{Key: "albatross:source", Value: string(state.SourceFile)}

type tagsResult struct {
	TagDescriptions []xmlTagDescription `xml:"TagDescriptions>member"`
}

// tagged finds the tags and source of any ELBv2 resource by ARN.
func tagged(r *state.Resources, arn string) (tags *[]state.Tag, source state.Source, ok bool) {
	if x := r.LoadBalancer(arn); x != nil {
		return &x.Tags, x.Source, true
	}
	if x := r.TargetGroup(arn); x != nil {
		return &x.Tags, x.Source, true
	}
	if x := r.Listener(arn); x != nil {
		return &x.Tags, x.Source, true
	}
	if x := r.Rule(arn); x != nil {
		return &x.Tags, x.Source, true
	}
	return nil, "", false
}

// notFoundFor returns the NotFound error of the resource kind an ARN names.
func notFoundFor(arn string) error {
	switch {
	case strings.Contains(arn, ":targetgroup/"):
		return tgNotFound()
	case strings.Contains(arn, ":listener-rule/"):
		return ruleNotFound()
	case strings.Contains(arn, ":listener/"):
		return listenerNotFound()
	}
	return lbNotFound()
}

// changeTags applies change to the tags of every resource in ResourceArns, all or nothing.
func (c *call) changeTags(change func(tags []state.Tag) ([]state.Tag, error)) error {
	arns := c.form.Strings("ResourceArns")
	if len(arns) == 0 {
		return controlapi.Errorf("ValidationError", "1 validation error detected: Value null at 'resourceArns' failed to satisfy constraint: Member must not be null")
	}
	return c.update(func(snap *state.Snapshot, api *state.Resources) error {
		for _, arn := range arns {
			_, source, ok := tagged(&snap.Resources, arn)
			if !ok {
				return notFoundFor(arn)
			}
			if source == state.SourceFile {
				return fileOwned("Resource", arn)
			}
			tags, _, _ := tagged(api, arn)
			next, err := change(*tags)
			if err != nil {
				return err
			}
			*tags = next
		}
		return nil
	})
}

// addTags adds tags, overwriting the value of keys already present (A.6 "Semantics").
func addTags(c *call) (any, error) {
	add, err := parseTags(c.form)
	if err != nil {
		return nil, err
	}
	if len(add) == 0 {
		return nil, controlapi.Errorf("ValidationError", "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	return nil, c.changeTags(func(tags []state.Tag) ([]state.Tag, error) {
		for _, t := range add {
			i := tagIndex(tags, t.Key)
			if i >= 0 {
				tags[i] = t
			} else {
				tags = append(tags, t)
			}
		}
		if len(tags) > maxTags {
			return nil, controlapi.Errorf("TooManyTags", "You can have at most %d tags per resource", maxTags)
		}
		return tags, nil
	})
}

func removeTags(c *call) (any, error) {
	keys := c.form.Strings("TagKeys")
	if len(keys) == 0 {
		return nil, controlapi.Errorf("ValidationError", "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	}
	return nil, c.changeTags(func(tags []state.Tag) ([]state.Tag, error) {
		for _, k := range keys {
			if i := tagIndex(tags, k); i >= 0 {
				tags = append(tags[:i], tags[i+1:]...)
			}
		}
		return tags, nil
	})
}

func describeTags(c *call) (any, error) {
	arns := c.form.Strings("ResourceArns")
	if len(arns) == 0 {
		return nil, controlapi.Errorf("ValidationError", "1 validation error detected: Value null at 'resourceArns' failed to satisfy constraint: Member must not be null")
	}
	out := tagsResult{TagDescriptions: []xmlTagDescription{}}
	for _, arn := range arns {
		tags, source, ok := tagged(&c.snap.Resources, arn)
		if !ok {
			return nil, notFoundFor(arn)
		}
		list := *tags
		if source == state.SourceFile {
			list = []state.Tag{sourceTag}
		}
		out.TagDescriptions = append(out.TagDescriptions, xmlTagDescription{ResourceArn: arn, Tags: renderTags(list)})
	}
	return out, nil
}

func tagIndex(tags []state.Tag, key string) int {
	for i, t := range tags {
		if t.Key == key {
			return i
		}
	}
	return -1
}
