package state

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
)

// recorder is an ApplyFunc that keeps what it was given and fails on demand.
type recorder struct {
	applied []*config.Config
	fail    error
}

func (r *recorder) apply(_ context.Context, cfg *config.Config) error {
	if r.fail != nil {
		return r.fail
	}
	r.applied = append(r.applied, cfg)
	return nil
}

func (r *recorder) last() *config.Config { return r.applied[len(r.applied)-1] }

var fixedNow = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func fileConfig() *config.Config {
	return &config.Config{TargetGroups: []config.TargetGroup{{Name: "file-tg", Port: 80}}}
}

func addTG(name string) func(*Snapshot, *Resources) error {
	return func(snap *Snapshot, api *Resources) error {
		api.TargetGroups = append(api.TargetGroups, TargetGroup{ARN: snap.Config.TargetGroupARN(name), Source: SourceAPI,
			Spec: config.TargetGroup{Name: name, Port: 81}})
		return nil
	}
}

func TestUpdateMergesValidatesAppliesPersists(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rec := &recorder{}
	s, err := Open(Options{Dir: dir, Apply: rec.apply, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.SetFile(ctx, fileConfig()); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, addTG("api-tg")); err != nil {
		t.Fatal(err)
	}
	if got := len(rec.last().TargetGroups); got != 2 {
		t.Fatalf("applied %d target groups; want the file's and the API's", got)
	}
	snap := s.Snapshot()
	if tg := snap.TargetGroupByName("file-tg"); tg == nil || tg.Source != SourceFile {
		t.Errorf("file target group in the snapshot: %+v; want Source file", tg)
	}
	// A reopened store has the API resource but not the file's (the file is read again).
	again, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if tg := again.api.TargetGroupByName("api-tg"); tg == nil || tg.Source != SourceAPI {
		t.Errorf("after reopening: %+v; want the API target group", tg)
	}
	if again.api.TargetGroupByName("file-tg") != nil {
		t.Error("the file's target group was persisted; only API resources belong in the state file")
	}
}

func TestUpdateIsAllOrNothing(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc   string
		change func(*Snapshot, *Resources) error
		apply  error
		want   func(error) bool
	}{
		{"change refuses", func(*Snapshot, *Resources) error { return errors.New("no") },
			nil, func(err error) bool { return err.Error() == "no" }},
		{"merged configuration invalid (duplicate name with the file)", addTG("file-tg"),
			nil, func(err error) bool {
				var inv *InvalidError
				var ps config.Problems
				return errors.As(err, &inv) && errors.As(err, &ps) && strings.Contains(err.Error(), "file-tg")
			}},
		{"data plane refuses", addTG("ok"), errors.New("port in use"),
			func(err error) bool { var a *ApplyError; return errors.As(err, &a) }},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			rec := &recorder{}
			s, err := Open(Options{Dir: dir, Apply: rec.apply})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetFile(context.Background(), fileConfig()); err != nil {
				t.Fatal(err)
			}
			before := s.Snapshot()
			rec.fail = tc.apply
			err = s.Update(context.Background(), tc.change)
			if err == nil || !tc.want(err) {
				t.Fatalf("Update: %v", err)
			}
			if s.Snapshot() != before {
				t.Error("the snapshot changed after a failed update")
			}
			if _, err := os.Stat(filepath.Join(dir, stateFile)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed update wrote the state file (%v)", err)
			}
		})
	}
}

// TestSetFileKeepsAPIResources: a reload re-merges with the API's resources, and a file that
// clashes with them is refused with nothing changed.
func TestSetFileKeepsAPIResources(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	s, _ := Open(Options{Apply: rec.apply})
	ctx := context.Background()
	if err := s.SetFile(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, addTG("api-tg")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFile(ctx, fileConfig()); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.last().TargetGroups); n != 2 {
		t.Errorf("after reload: %d target groups applied; want 2", n)
	}
	clash := &config.Config{TargetGroups: []config.TargetGroup{{Name: "api-tg", Port: 80}}}
	if err := s.SetFile(ctx, clash); err == nil {
		t.Fatal("a file reusing an API target group's name was accepted")
	}
	if s.Snapshot().TargetGroupByName("file-tg") == nil {
		t.Error("the refused file replaced the previous one")
	}
}

func TestOpenRejectsDamagedStateFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, stateFile), []byte(`{"version": 1, "resources": {`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "not a state file") {
		t.Fatalf("Open of a truncated state file: %v; want a clear error", err)
	}
}

// TestFromFileARNs: file resources get the config ARN helpers' ARNs, so the API and the data
// plane (e.g. a Lambda event's targetGroupArn) agree.
func TestFromFileARNs(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{LoadBalancers: []config.LoadBalancer{{Name: "web", Listeners: []config.Listener{{
		Port: 8080, Address: "127.0.0.1", Rules: []config.Rule{{Priority: 7}}}}}}}
	r := fromFile(cfg, fixedNow())
	testCases := []struct{ desc, got, want string }{
		{"load balancer", r.LoadBalancers[0].ARN, cfg.LoadBalancerARN("web")},
		{"listener", r.Listeners[0].ARN, cfg.ListenerARN("web", "127.0.0.1", 8080)},
		{"default rule", r.Listeners[0].DefaultRuleARN, cfg.RuleARN("web", "127.0.0.1", 8080, 0)},
		{"rule", r.Rules[0].ARN, cfg.RuleARN("web", "127.0.0.1", 8080, 7)},
		{"scheme of a loopback-only load balancer", r.LoadBalancers[0].Scheme, SchemeInternal},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if tc.got != tc.want {
				t.Errorf("got %s; want %s", tc.got, tc.want)
			}
		})
	}
	if len(r.Listeners[0].Spec.Rules) != 0 {
		t.Error("listener record still holds its rules; they are records of their own")
	}
}

// TestInvalidErrorNamesResources: API users never see the merged configuration, so problems are
// located by resource names.
func TestInvalidErrorNamesResources(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{
		LoadBalancers: []config.LoadBalancer{{Name: "web", Listeners: []config.Listener{{Port: 8080, Rules: []config.Rule{{Priority: 10}}}}}},
		TargetGroups:  []config.TargetGroup{{Name: "site"}},
	}
	testCases := []struct{ desc, path, want string }{
		{"rule condition", "load_balancers[0].listeners[0].rules[0].conditions[1].field", `load balancer "web", listener 8080, rule 10: conditions[1].field: `},
		{"listener port", "load_balancers[0].listeners[0].port", `load balancer "web", listener 8080: port: `},
		{"load balancer itself", "load_balancers[0]", `load balancer "web": `},
		{"target group", "target_groups[0].port", `target group "site": port: `},
		{"out of range stays a path", "functions[3].code", "functions[3].code: "},
		{"top level", "account_id", "account_id: "},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := locate(cfg, tc.path); got != tc.want {
				t.Errorf("locate(%q) = %q; want %q", tc.path, got, tc.want)
			}
		})
	}
}
