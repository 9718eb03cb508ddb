package elbv2

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// TestTargetsOfFileGroups: the API registers and deregisters targets on a target group the file
// defines; the file's own targets stay, DescribeTargetHealth lists both, and the merged
// configuration (what the data plane serves) follows (issue 18 item 2).
func TestTargetsOfFileGroups(t *testing.T) {
	file := &config.Config{TargetGroups: []config.TargetGroup{{Name: "file-tg", TargetType: config.TargetTypeIP, Port: 80,
		Targets: []config.Target{{ID: "10.0.0.1"}}}}}
	api := newTestAPI(t, file)
	arn := "TargetGroupArn=" + testIdentity.TargetGroupARN("file-tg")
	served := func() []config.Target { return api.store.Snapshot().Config.TargetGroups[0].Targets }
	steps := []struct {
		desc, action string
		pairs        []string
		want         []config.Target
	}{
		{"register two, one without a port", "RegisterTargets", []string{arn, "Targets.member.1.Id=10.0.0.2", "Targets.member.2.Id=10.0.0.3", "Targets.member.2.Port=8080"},
			[]config.Target{{ID: "10.0.0.1"}, {ID: "10.0.0.2", Port: 80}, {ID: "10.0.0.3", Port: 8080}}},
		{"registering again changes nothing, nor does registering a file target", "RegisterTargets", []string{arn, "Targets.member.1.Id=10.0.0.2", "Targets.member.2.Id=10.0.0.1", "Targets.member.2.Port=80"},
			[]config.Target{{ID: "10.0.0.1"}, {ID: "10.0.0.2", Port: 80}, {ID: "10.0.0.3", Port: 8080}}},
		{"deregister one", "DeregisterTargets", []string{arn, "Targets.member.1.Id=10.0.0.2"},
			[]config.Target{{ID: "10.0.0.1"}, {ID: "10.0.0.3", Port: 8080}}},
	}
	for _, step := range steps {
		if status, body := api.call(step.action, step.pairs...); status != 200 {
			t.Fatalf("%s: %d %s", step.desc, status, body)
		}
		if got := served(); !slices.Equal(got, step.want) {
			t.Fatalf("%s: served targets %+v; want %+v", step.desc, got, step.want)
		}
	}
	// A refused call changes nothing, even for the targets it names that it could remove.
	status, body := api.call("DeregisterTargets", arn, "Targets.member.1.Id=10.0.0.3", "Targets.member.1.Port=8080", "Targets.member.2.Id=10.0.0.1")
	if status != 400 || !strings.Contains(body, "OperationNotPermitted") || !strings.Contains(body, "configuration file") {
		t.Errorf("deregistering a file target: %d %s; want OperationNotPermitted naming the file", status, body)
	}
	if got := served(); len(got) != 2 {
		t.Errorf("after the refused call: %+v; want both targets still served", got)
	}
	_, body = api.call("DescribeTargetHealth", arn)
	for _, want := range []string{"<Id>10.0.0.1</Id>", "<Id>10.0.0.3</Id>", "<Port>8080</Port>"} {
		if !strings.Contains(body, want) {
			t.Errorf("DescribeTargetHealth lacks %s:\n%s", want, body)
		}
	}
	// The file's other settings stay the file's.
	if status, body := api.call("ModifyTargetGroup", arn, "HealthCheckPath=/x"); status != 400 || !strings.Contains(body, "OperationNotPermitted") {
		t.Errorf("ModifyTargetGroup of a file group: %d %s; want OperationNotPermitted", status, body)
	}
	// A reload keeps the registered target; a file that makes the group another type drops it.
	if err := api.store.SetFile(context.Background(), file); err != nil {
		t.Fatal(err)
	}
	if got := served(); len(got) != 2 {
		t.Errorf("after a reload: %+v; want the file's and the API's target", got)
	}
	changed := &config.Config{TargetGroups: []config.TargetGroup{{Name: "file-tg", TargetType: config.TargetTypeInstance, Port: 80}}}
	if err := api.store.SetFile(context.Background(), changed); err != nil {
		t.Fatalf("a file changing the group's type was refused because of API targets: %v", err)
	}
	if err := api.store.SetFile(context.Background(), file); err != nil {
		t.Fatal(err)
	}
	if got := served(); len(got) != 1 {
		t.Errorf("after the type went and came back: %+v; want only the file's target", got)
	}
}
