package terraform

import (
	"math/big"
	"strconv"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// The readers below read one argument of an evaluated block for the configuration. An argument
// that is absent or null reads as not set; one that failed to evaluate, is not known before
// apply or has the wrong type is reported at its position, and also reads as not set.

// usable reports the argument's value if it can be read, reporting why not otherwise.
func (ev *evaluator) usable(b *block, name string) (*attr, bool) {
	a := b.attrs[name]
	if a == nil {
		return nil, false
	}
	if a.diags.HasErrors() {
		ev.ps.addDiags(a.diags, a.path)
		return nil, false
	}
	if !a.val.IsWhollyKnown() {
		ev.reportUnknown(a.expr, a.path, b.prefix)
		return nil, false
	}
	if a.val.IsNull() {
		return nil, false
	}
	return a, true
}

func (ev *evaluator) str(b *block, name string) (string, bool) {
	a, ok := ev.usable(b, name)
	if !ok {
		return "", false
	}
	v, err := convert.Convert(a.val, cty.String)
	if err != nil {
		ev.ps.add(a.expr.Range(), a.path, "must be a string, got %s", a.val.Type().FriendlyName())
		return "", false
	}
	return v.AsString(), true
}

func (ev *evaluator) integer(b *block, name string) (int, bool) {
	a, ok := ev.usable(b, name)
	if !ok {
		return 0, false
	}
	v, err := convert.Convert(a.val, cty.Number)
	if err != nil {
		ev.ps.add(a.expr.Range(), a.path, "must be a number, got %s", a.val.Type().FriendlyName())
		return 0, false
	}
	n, acc := v.AsBigFloat().Int64()
	if acc != big.Exact || n < -1<<31 || n > 1<<31-1 {
		ev.ps.add(a.expr.Range(), a.path, "must be a whole number, got %s", v.AsBigFloat().Text('g', 10))
		return 0, false
	}
	return int(n), true
}

func (ev *evaluator) boolean(b *block, name string) (bool, bool) {
	a, ok := ev.usable(b, name)
	if !ok {
		return false, false
	}
	v, err := convert.Convert(a.val, cty.Bool)
	if err != nil {
		ev.ps.add(a.expr.Range(), a.path, "must be true or false")
		return false, false
	}
	return v.True(), true
}

// strs reads a list or set of strings.
func (ev *evaluator) strs(b *block, name string) ([]string, bool) {
	a, ok := ev.usable(b, name)
	if !ok {
		return nil, false
	}
	v, err := convert.Convert(a.val, cty.List(cty.String))
	if err != nil {
		ev.ps.add(a.expr.Range(), a.path, "must be a list of strings, got %s", a.val.Type().FriendlyName())
		return nil, false
	}
	out := []string{}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			ev.ps.add(a.expr.Range(), a.path, "must not hold null")
			return nil, false
		}
		out = append(out, e.AsString())
	}
	return out, true
}

// strMap reads a map of strings.
func (ev *evaluator) strMap(b *block, name string) (map[string]string, bool) {
	a, ok := ev.usable(b, name)
	if !ok {
		return nil, false
	}
	v, err := convert.Convert(a.val, cty.Map(cty.String))
	if err != nil {
		ev.ps.add(a.expr.Range(), a.path, "must be a map of strings, got %s", a.val.Type().FriendlyName())
		return nil, false
	}
	out := map[string]string{}
	for k, e := range v.AsValueMap() {
		if e.IsNull() {
			continue
		}
		out[k] = e.AsString()
	}
	return out, true
}

// intPtr reads a whole number into a pointer (nil when not set).
func (ev *evaluator) intPtr(b *block, name string) *int {
	if n, ok := ev.integer(b, name); ok {
		return &n
	}
	return nil
}

// required reports a missing argument.
func (ev *evaluator) required(b *block, name string) {
	if b.attrs[name] == nil {
		ev.ps.add(b.rng, b.path+"."+name, "is required")
	}
}

// setAttr copies an argument into an attribute map under the ELBv2 key, as the API's string.
func (ev *evaluator) setAttr(attrs map[string]string, b *block, name, key string) {
	a, ok := ev.usable(b, name)
	if !ok {
		return
	}
	switch a.val.Type() {
	case cty.Bool:
		attrs[key] = strconv.FormatBool(a.val.True())
	default:
		if s, ok := ev.str(b, name); ok {
			attrs[key] = s
		}
	}
}
