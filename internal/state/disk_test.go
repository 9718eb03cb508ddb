package state

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

var update = flag.Bool("update", false, "rewrite testdata/state-v2.json")

// openFile opens a state directory holding data as its state file.
func openFile(t *testing.T, data []byte) (*disk, *Resources, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, stateFile), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return openDisk(dir)
}

// TestStateFileVersion1Loads: a state file written by the release before the format had its own
// key names (version 1) loads with every setting, and is rewritten as the current version, which
// loads to the same records.
func TestStateFileVersion1Loads(t *testing.T) {
	t.Parallel()
	v1, err := os.ReadFile("testdata/state-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	d, got, err := openFile(t, v1)
	if err != nil {
		t.Fatal(err)
	}
	if want := fixtureResources(); !reflect.DeepEqual(got, want) {
		t.Fatalf("version 1 file loads as\n%+v\nwant\n%+v", got, want)
	}
	if err := d.save(got); err != nil {
		t.Fatal(err)
	}
	_, again, err := openDisk(d.dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, got) {
		t.Fatalf("rewritten file loads as\n%+v\nwant\n%+v", again, got)
	}
}

// TestStateFileGolden pins the current format: the spec keys are the configuration file's.
func TestStateFileGolden(t *testing.T) {
	t.Parallel()
	d := &disk{dir: t.TempDir()}
	if err := d.save(fixtureResources()); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(d.dir, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/state-v2.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("state file differs from %s (go test -run Golden -update):\n%s", golden, got)
	}
	if !strings.Contains(string(got), `"health_check_path": "/health"`) {
		t.Error("spec keys are not the configuration file's")
	}
}

// TestStateFileStrict: what this albatross cannot read in full is an error naming the problem,
// never a setting silently dropped.
func TestStateFileStrict(t *testing.T) {
	t.Parallel()
	good, err := os.ReadFile("testdata/state-v2.json")
	if err != nil {
		t.Fatal(err)
	}
	testCases := []struct {
		desc, old, new, want string
	}{
		{desc: "renamed spec key", old: `"health_check_path"`, new: `"health_path"`, want: "field health_path not found"},
		{desc: "unknown record key", old: `"source_arn"`, new: `"source_arns"`, want: `unknown field "source_arns"`},
		{desc: "unknown version", old: `"version": 2`, new: `"version": 9`, want: "version 9"},
		{desc: "unknown top-level key", old: `"version": 2`, new: `"version": 2, "extra": 1`, want: `unknown field "extra"`},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			data := strings.Replace(string(good), tc.old, tc.new, 1)
			if data == string(good) {
				t.Fatalf("%s not in the golden file", tc.old)
			}
			if _, _, err := openFile(t, []byte(data)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestSpecRoundTrip: every field of every persisted config type, set, survives the state file;
// a field added to the model is covered without touching this test.
func TestSpecRoundTrip(t *testing.T) {
	t.Parallel()
	specs := []any{&config.LoadBalancer{}, &config.Listener{}, &config.Rule{}, &config.TargetGroup{}, &config.Function{}}
	for _, spec := range specs {
		v := reflect.ValueOf(spec).Elem()
		t.Run(v.Type().Name(), func(t *testing.T) {
			t.Parallel()
			fill(v, 0)
			data, err := encodeSpec(v.Interface())
			if err != nil {
				t.Fatal(err)
			}
			back := reflect.New(v.Type())
			if err := decodeSpec(data, back.Interface()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.Elem().Interface(), v.Interface()) {
				t.Errorf("round trip\n%+v\nwant\n%+v\nvia %s", back.Elem().Interface(), v.Interface(), data)
			}
		})
	}
}

// fill sets every field reachable from v to a value that is not zero.
func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + v.Type().Name())
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(7 + depth))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), depth+1)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	}
}
