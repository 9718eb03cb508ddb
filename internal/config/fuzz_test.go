package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeValidate: Decode and Validate never panic, whatever the bytes; the seed corpus is
// every YAML file under testdata plus the base configuration. Run with
// go test -fuzz FuzzDecodeValidate ./internal/config/ for a real fuzzing session.
func FuzzDecodeValidate(f *testing.F) {
	f.Add([]byte(baseYAML))
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("load_balancers: [{listeners: [{rules: [{conditions: [{field: query-string, query_string_config: {}}], actions: [{type: forward, forward_config: {target_groups: [{}]}}]}]}]}]"))
	f.Add([]byte("target_groups: [{target_type: lambda, targets: [{id: 'arn:aws:lambda:::function:x:'}], matcher: {}}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		err = c.Validate()
		if err != nil && err.Error() == "" {
			t.Error("Validate returned an error with no message")
		}
		for _, tg := range c.TargetGroups {
			_ = tg.HealthCheck().SuccessCodes()
			_ = tg.EffectiveAttributes()
		}
	})
}
