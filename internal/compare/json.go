package compare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Path is a JSON path as ParsePaths reads it: object keys and array indexes, "*" for any.
type Path []string

// ParsePaths reads a comma-separated list of dotted JSON paths such as
// "id,meta.generated_at,items.*.created_at": each part is an object key, an array index, or *
// for every key or index. A leading "$." is allowed and ignored.
func ParsePaths(s string) ([]Path, error) {
	var out []Path
	for raw := range strings.SplitSeq(s, ",") {
		raw = strings.TrimPrefix(strings.TrimSpace(raw), "$.")
		if raw == "" {
			continue
		}
		p := Path(strings.Split(raw, "."))
		if slices.Contains(p, "") {
			return nil, fmt.Errorf("JSON path %q has an empty part", raw)
		}
		out = append(out, p)
	}
	return out, nil
}

// diffJSON compares two JSON documents after removing the ignored paths from both. A body that
// is not JSON is compared as bytes and named as such.
func diffJSON(a, b []byte, ignore []Path) []string {
	va, errA := decodeJSON(a)
	vb, errB := decodeJSON(b)
	switch {
	case errA != nil && errB != nil:
		if bytes.Equal(a, b) {
			return nil
		}
		return []string{"body: neither body is JSON, and they differ"}
	case errA != nil:
		return []string{"body: the primary's body is not JSON: " + errA.Error()}
	case errB != nil:
		return []string{"body: the shadow's body is not JSON: " + errB.Error()}
	}
	for _, p := range ignore {
		va = without(va, p)
		vb = without(vb, p)
	}
	var out []string
	diffValue("$", va, vb, &out)
	return out
}

func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

// without returns v with every value at p removed.
func without(v any, p Path) any {
	if len(p) == 0 {
		return v
	}
	head, rest := p[0], p[1:]
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if head != "*" && head != k {
				continue
			}
			if len(rest) == 0 {
				delete(x, k)
			} else {
				x[k] = without(child, rest)
			}
		}
	case []any:
		for i, child := range x {
			if head != "*" && head != strconv.Itoa(i) {
				continue
			}
			if len(rest) == 0 {
				x[i] = ignored{}
			} else {
				x[i] = without(child, rest)
			}
		}
	}
	return v
}

// ignored stands for an array element removed by an ignored path: removing it would shift the
// elements after it and make them differ.
type ignored struct{}

// diffValue appends a line for every place where a and b differ, up to one more than a
// verdict keeps (Verdict.add shows it as an ellipsis).
func diffValue(at string, a, b any, out *[]string) {
	if len(*out) > maxDiffLines {
		return
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range x {
				if !yield(k) {
					return
				}
			}
			for k := range y {
				if _, dup := x[k]; !dup && !yield(k) {
					return
				}
			}
		})
		for _, k := range keys {
			if len(*out) > maxDiffLines {
				return
			}
			xv, xok := x[k]
			yv, yok := y[k]
			switch {
			case !yok:
				*out = append(*out, fmt.Sprintf("%s.%s: -%s +(absent)", at, k, show(xv)))
			case !xok:
				*out = append(*out, fmt.Sprintf("%s.%s: -(absent) +%s", at, k, show(yv)))
			default:
				diffValue(at+"."+k, xv, yv, out)
			}
		}
		return
	case []any:
		y, ok := b.([]any)
		if !ok {
			break
		}
		if len(x) != len(y) {
			*out = append(*out, fmt.Sprintf("%s: -%d elements +%d elements", at, len(x), len(y)))
			return
		}
		for i := range x {
			diffValue(fmt.Sprintf("%s[%d]", at, i), x[i], y[i], out)
		}
		return
	}
	if !sameScalar(a, b) {
		*out = append(*out, fmt.Sprintf("%s: -%s +%s", at, show(a), show(b)))
	}
}

// sameScalar compares two non-container JSON values; numbers by value (1.0 equals 1).
func sameScalar(a, b any) bool {
	na, aNum := a.(json.Number)
	nb, bNum := b.(json.Number)
	if aNum && bNum {
		return canonicalNumber(string(na)) == canonicalNumber(string(nb))
	}
	switch a.(type) {
	case map[string]any, []any:
		return false
	}
	return a == b
}

// canonicalNumber writes a JSON number as its significant digits and a decimal exponent
// ("12.50" and "1.25e1" are "125e-1", "-0.0" is "0"), so that equal values compare equal as
// strings. It is exact where a float is not (two ids beyond 2^64 that differ in their last
// digit round to one float64, or one 64-bit big.Float) and stays linear in the number's length
// where big.Rat would expand 1e999999 into a million digits. The decoder has checked the
// grammar; an exponent that is not a number leaves s as it is.
func canonicalNumber(s string) string {
	sign := ""
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, s = "-", rest
	}
	mantissa, exponent := s, "0"
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mantissa, exponent = s[:i], s[i+1:]
	}
	whole, fraction, _ := strings.Cut(mantissa, ".")
	digits := strings.TrimLeft(whole+fraction, "0")
	if digits == "" {
		return "0" // -0 equals 0
	}
	exp, ok := new(big.Int).SetString(exponent, 10)
	if !ok {
		return sign + s
	}
	significant := strings.TrimRight(digits, "0")
	exp.Add(exp, big.NewInt(int64(len(digits)-len(significant)-len(fraction))))
	return sign + significant + "e" + exp.String()
}

// show renders a JSON value for a diff line, cut to a readable length.
func show(v any) string {
	if _, ok := v.(ignored); ok {
		return "(ignored)"
	}
	b, _ := json.Marshal(v)
	return cut(string(b), 80)
}

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
