package state

import (
	"context"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

func fileWithTargets() *config.Config {
	return &config.Config{TargetGroups: []config.TargetGroup{{Name: "file-tg", Port: 80, Targets: []config.Target{{ID: "10.0.0.1"}}}}}
}

func register(ids ...string) func(*Snapshot, *Resources) error {
	return func(snap *Snapshot, api *Resources) error {
		var ts []config.Target
		for _, id := range ids {
			ts = append(ts, config.Target{ID: id, Port: 80})
		}
		api.SetRegistration(&snap.TargetGroupByName("file-tg").Spec, ts)
		return nil
	}
}

// TestRegistrationsPersist: targets registered on a file group are served after the file's, are
// kept in the state file and come back after a restart, while the file's stay out of it.
func TestRegistrationsPersist(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	s, _ := Open(Options{Dir: dir})
	if err := s.SetFile(ctx, fileWithTargets()); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, register("10.0.0.2")); err != nil {
		t.Fatal(err)
	}
	again, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := again.SetFile(ctx, fileWithTargets()); err != nil {
		t.Fatal(err)
	}
	snap := again.Snapshot()
	if got := snap.Config.TargetGroups[0].Targets; len(got) != 2 || got[0].ID != "10.0.0.1" || got[1].ID != "10.0.0.2" {
		t.Errorf("served after restart: %+v; want the file's target then the registered one", got)
	}
	rec := snap.TargetGroupByName("file-tg")
	if len(rec.Spec.Targets) != 1 || len(rec.Registered) != 1 || len(rec.Served().Targets) != 2 {
		t.Errorf("record: spec %+v registered %+v; want the file's in Spec, the API's in Registered", rec.Spec.Targets, rec.Registered)
	}
	if reg := again.api.Registration("file-tg"); reg == nil || len(reg.Targets) != 1 {
		t.Errorf("persisted registration: %+v; want only the API's target", reg)
	}
}

// TestRegistrationsFollowTheFile: the file's entry wins over a registration of the same target
// (served once), and a file without the group drops its registrations for good, as deleting a
// target group does on AWS.
func TestRegistrationsFollowTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	s, _ := Open(Options{Dir: dir})
	if err := s.SetFile(ctx, fileWithTargets()); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, register("10.0.0.2")); err != nil {
		t.Fatal(err)
	}
	listsIt := fileWithTargets()
	listsIt.TargetGroups[0].Targets = append(listsIt.TargetGroups[0].Targets, config.Target{ID: "10.0.0.2"})
	if err := s.SetFile(ctx, listsIt); err != nil {
		t.Fatalf("a file listing a registered target: %v", err)
	}
	if got := s.Snapshot().Config.TargetGroups[0].Targets; len(got) != 2 {
		t.Errorf("served: %+v; want each target once", got)
	}
	if err := s.SetFile(ctx, &config.Config{}); err != nil {
		t.Fatal(err)
	}
	again, _ := Open(Options{Dir: dir})
	if len(again.api.Registrations) != 0 {
		t.Errorf("registrations after the group left the file: %+v; want none, on disk too", again.api.Registrations)
	}
}
