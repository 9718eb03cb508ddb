package state

import (
	"reflect"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// TestRegistrationsSurviveTheStateFile: targets the API registered on file target groups are
// written to the state file and read back, under key names of their own.
func TestRegistrationsSurviveTheStateFile(t *testing.T) {
	dir := t.TempDir()
	d, _, err := openDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Registration{{TargetGroup: "site", TargetType: "ip",
		Targets: []config.Target{{ID: "127.0.0.1", Port: 8081}, {ID: "127.0.0.2", AvailabilityZone: "us-east-1a"}}}}
	if err := d.save(&Resources{Registrations: want}); err != nil {
		t.Fatal(err)
	}
	_, got, err := openDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Registrations, want) {
		t.Errorf("registrations read back as %+v, want %+v", got.Registrations, want)
	}
}
