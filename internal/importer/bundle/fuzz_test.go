package bundle

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: no document makes the bundle reader panic; it returns a configuration or problems.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "web.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("Bundle: albatross-describe-bundle/1\nLoadBalancers: [{Listeners: [{Rules: [{Priority: '1'}]}]}]\n"))
	f.Add([]byte(`{"Bundle": "albatross-describe-bundle/1", "TargetGroups": [{"TargetHealthDescriptions": [{"Target": {"Id": "10.0.0.1", "Port": 80}}]}]}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, doc []byte) {
		cfg, err := parse("f.json", dir, doc, Options{CodeDir: dir})
		if err == nil && cfg == nil {
			t.Fatal("no configuration and no error")
		}
		_ = Detect("f.json", doc)
	})
}
