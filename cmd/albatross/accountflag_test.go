package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// TestConcurrentExecutionsFlag: --concurrent-executions is the account limit the data plane
// enforces, over the file's albatross.concurrent_executions, with or without a file; values the
// configuration would refuse stop serve at once with exit 2.
func TestConcurrentExecutionsFlag(t *testing.T) {
	sixty := 60
	fileLimit := 500
	testCases := []struct {
		desc string
		file *config.Config
		flag string
		want int
	}{
		{"no flag, no file: Lambda's default", nil, "", 1000},
		{"no flag: the file's value", &config.Config{Albatross: config.Settings{ConcurrentExecutions: &fileLimit}}, "", 500},
		{"flag without a file", nil, "250", 250},
		{"flag over the file", &config.Config{Albatross: config.Settings{ConcurrentExecutions: &fileLimit}}, "3000", 3000},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			var limit *int
			if tc.flag != "" {
				if err := concurrentExecutionsFlag(&limit)(tc.flag); err != nil {
					t.Fatal(err)
				}
			}
			cfg := withAccountLimit(tc.file, limit)
			if cfg == nil {
				cfg = &config.Config{}
			}
			if got := cfg.EffectiveConcurrentExecutions(); got != tc.want {
				t.Errorf("account limit = %d, want %d", got, tc.want)
			}
		})
	}

	t.Run("reservations are checked against the flag's limit", func(t *testing.T) {
		limit := 150
		cfg := withAccountLimit(&config.Config{Functions: []config.Function{{FunctionName: "f", Runtime: "provided.al2023", Code: ".", ReservedConcurrentExecutions: &sixty}}}, &limit)
		var problems config.Problems
		err := cfg.Validate()
		if !errors.As(err, &problems) || !strings.Contains(err.Error(), "reserved_concurrent_executions") {
			t.Errorf("Validate = %v, want the reservation refused (150 - 60 leaves fewer than 100 unreserved)", err)
		}
	})

	for _, bad := range []string{"99", "0", "-5", "1000001", "many", ""} {
		t.Run("refused: "+bad, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := serve([]string{"--concurrent-executions", bad}, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), "-concurrent-executions") || !strings.Contains(stderr.String(), "100..1000000") {
				t.Errorf("stderr does not explain the refusal:\n%s", stderr.String())
			}
		})
	}
}
