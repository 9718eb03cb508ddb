package main

import (
	"fmt"
	"strconv"

	"github.com/albatross-lb/albatross/internal/config"
)

// maxConcurrentExecutions is the largest account limit the configuration accepts.
const maxConcurrentExecutions = 1_000_000

// concurrentExecutionsFlag parses --concurrent-executions: Lambda's account concurrency limit,
// the flag form of albatross.concurrent_executions. Checked at once, so a bad value exits 2
// before anything starts.
func concurrentExecutionsFlag(dst **int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < config.MinUnreservedConcurrency || n > maxConcurrentExecutions {
			return fmt.Errorf("must be a whole number %d..%d (at least Lambda's unreserved minimum), got %q",
				config.MinUnreservedConcurrency, maxConcurrentExecutions, s)
		}
		*dst = &n
		return nil
	}
}

// withAccountLimit applies --concurrent-executions to a configuration read from the file (nil
// when serve runs without one): the flag wins over the file's albatross.concurrent_executions,
// on every reload too. Without the flag cfg is returned unchanged.
func withAccountLimit(cfg *config.Config, limit *int) *config.Config {
	if limit == nil {
		return cfg
	}
	if cfg == nil {
		cfg = &config.Config{}
	}
	n := *limit
	cfg.Albatross.ConcurrentExecutions = &n
	return cfg
}
