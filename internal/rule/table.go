// Package rule decides which listener rule handles a request (§2 in docs/spec.md). It
// compiles plain condition values into matchers once, when a configuration is built, and then
// evaluates a priority table on every request without allocating. It does no I/O and imports no
// configuration package: the reconcile step hands it plain values.
package rule

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
)

// Rule is one non-default listener rule: a priority and the conditions that must all hold
// (RUL-11). Actions stay with the caller, which finds them by the index Match returns.
type Rule struct {
	// Priority orders evaluation, lowest first (RUL-01); it must be unique in a table.
	Priority int
	// Conditions must all match; a rule needs at least one (RUL-03).
	Conditions []Condition
	// Transforms rewrite a request this rule matched (TRF-01..05); they never take part in
	// matching (TRF-03). The zero value has none.
	Transforms Transforms
}

// Table is a listener's compiled rules in evaluation order. It is immutable and safe for
// concurrent use; a configuration change builds a new Table.
type Table struct {
	rules []compiledRule
	// transformers[i] belongs to the rule given at index i to NewTable; nil when no rule has
	// transforms, and nil entries for rules without.
	transformers []*Transformer
}

// compiledRule is a Rule ready for evaluation.
type compiledRule struct {
	index    int // position in the slice given to NewTable
	priority int
	conds    []matcher
}

// NewTable compiles rules and sorts them by ascending priority (RUL-01). It reports every problem
// at once, each with its path (`rules[2].conditions[0].values[1]: ...`): unknown fields, missing
// or empty values, malformed CIDRs, a rule without conditions (RUL-03) and duplicate priorities.
// Limits such as RUL-12's value and wildcard counts are left to configuration validation.
func NewTable(rules []Rule) (*Table, error) {
	t := &Table{rules: make([]compiledRule, 0, len(rules))}
	var errs []error
	seen := make(map[int]int, len(rules))
	for i, r := range rules {
		at := fmt.Sprintf("rules[%d]", i)
		if first, dup := seen[r.Priority]; dup {
			errs = append(errs, fmt.Errorf("%s.priority: %d is already used by rules[%d] (RUL-01)", at, r.Priority, first))
		}
		seen[r.Priority] = i
		if len(r.Conditions) == 0 {
			errs = append(errs, fmt.Errorf("%s.conditions: a rule needs at least one condition (RUL-03)", at))
		}
		cr := compiledRule{index: i, priority: r.Priority}
		for j, c := range r.Conditions {
			m, err := compileCondition(c, fmt.Sprintf("%s.conditions[%d]", at, j))
			if err != nil {
				errs = append(errs, err)
			}
			cr.conds = append(cr.conds, m)
		}
		t.rules = append(t.rules, cr)
		tr, err := NewTransformer(r.Transforms, at+".transforms")
		if err != nil {
			errs = append(errs, err)
		}
		if tr != nil {
			if t.transformers == nil {
				t.transformers = make([]*Transformer, len(rules))
			}
			t.transformers[i] = tr
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(t.rules, func(a, b compiledRule) int { return cmp.Compare(a.priority, b.priority) })
	return t, nil
}

// Transformer returns the compiled transforms of the rule at index (as Match reports it), or nil
// when that rule has none or index is -1 (the default rule cannot have transforms, TRF-01).
func (t *Table) Transformer(index int) *Transformer {
	if index < 0 || index >= len(t.transformers) {
		return nil
	}
	return t.transformers[index]
}

// Len returns the number of rules in t, the default rule not counted.
func (t *Table) Len() int {
	return len(t.rules)
}

// Match returns the index, in the slice given to NewTable, of the first rule in ascending
// priority whose conditions all hold for r arriving from the TCP peer source, or -1 when none
// does and the default rule applies (RUL-01). evaluated is the number of rules evaluated, the
// default rule excluded, for the RuleEvaluations metric (RUL-04). Match does not allocate for
// requests read by net/http's server.
func (t *Table) Match(r *http.Request, source netip.Addr) (index, evaluated int) {
	q := request{r: r, source: source}
	for i := range t.rules {
		if t.rules[i].match(&q) {
			return t.rules[i].index, i + 1
		}
	}
	return -1, len(t.rules)
}

// match reports whether every condition holds (RUL-11), stopping at the first that does not.
func (cr *compiledRule) match(q *request) bool {
	for i := range cr.conds {
		if !cr.conds[i].match(q) {
			return false
		}
	}
	return true
}
