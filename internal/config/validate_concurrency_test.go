package config

import (
	"strings"
	"testing"
)

// TestValidateAccountConcurrency: reserved concurrency is carved out of the account's limit
// (albatross.concurrent_executions, default 1000) and must leave 100 unreserved, as Lambda's
// PutFunctionConcurrency requires.
func TestValidateAccountConcurrency(t *testing.T) {
	t.Parallel()
	twoReserved := func(c *Config, a, b int) {
		c.Functions = append(c.Functions, *fn(c))
		c.Functions[1].FunctionName = "other"
		c.Functions[0].ReservedConcurrentExecutions, c.Functions[1].ReservedConcurrentExecutions = ptr(a), ptr(b)
	}
	runValidation(t, []validationCase{
		{desc: "900 reserved leaves exactly 100", mutate: func(c *Config) { fn(c).ReservedConcurrentExecutions = ptr(900) }},
		{desc: "901 reserved leaves 99", want: paths(fn0 + ".reserved_concurrent_executions"), mutate: func(c *Config) {
			fn(c).ReservedConcurrentExecutions = ptr(901)
		}},
		{desc: "two reservations summing to 900", mutate: func(c *Config) { twoReserved(c, 450, 450) }},
		{desc: "the second reservation crosses the line", want: paths("functions[1].reserved_concurrent_executions"), mutate: func(c *Config) {
			twoReserved(c, 450, 451)
		}},
		{desc: "a larger account limit leaves room", mutate: func(c *Config) {
			c.Albatross.ConcurrentExecutions = ptr(3000)
			twoReserved(c, 1500, 1400)
		}},
		{desc: "a smaller account limit", want: paths(fn0 + ".reserved_concurrent_executions"), mutate: func(c *Config) {
			c.Albatross.ConcurrentExecutions = ptr(150)
			fn(c).ReservedConcurrentExecutions = ptr(51)
		}},
		{desc: "account limit below the unreserved minimum", want: paths("albatross.concurrent_executions"), mutate: func(c *Config) {
			c.Albatross.ConcurrentExecutions = ptr(99)
		}},
	})
}

// TestUnreservedMinimumMessage: the problem is worded as Lambda words it.
func TestUnreservedMinimumMessage(t *testing.T) {
	t.Parallel()
	c := base(t)
	fn(c).ReservedConcurrentExecutions = ptr(901)
	err := c.Validate()
	want := "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v; want %q", err, want)
	}
}

// TestDecodeAccountConcurrency: the key lives in the top-level albatross block, and an unknown
// key there is refused like any other.
func TestDecodeAccountConcurrency(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte("albatross:\n  concurrent_executions: 250\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.EffectiveConcurrentExecutions(); got != 250 {
		t.Errorf("EffectiveConcurrentExecutions = %d; want 250", got)
	}
	if got := (&Config{}).EffectiveConcurrentExecutions(); got != DefaultConcurrencyLimit {
		t.Errorf("default = %d; want %d", got, DefaultConcurrencyLimit)
	}
	if _, err := Parse([]byte("albatross:\n  concurrency: 250\n")); err == nil {
		t.Error("an unknown key in the albatross block was accepted")
	}
}
