package controlapi

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// MaxQueryBody bounds a Query protocol request body; ELBv2 inputs are small.
const MaxQueryBody = 1 << 20

// Form is a decoded Query protocol request (A.1): flat keys such as
// "DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight".
type Form struct {
	values url.Values
}

// ParseForm reads a Query request from the body (POST, either Content-Type spelling) and the URL
// query (GET), as A.1 asks.
func ParseForm(r *http.Request) (Form, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/x-www-form-urlencoded" && r.Method == http.MethodPost) {
			return Form{}, Errorf("InvalidParameterValue", "unsupported Content-Type %q", ct)
		}
	}
	r.Body = http.MaxBytesReader(nil, r.Body, MaxQueryBody)
	if err := r.ParseForm(); err != nil {
		if e := BodyError(r, err); e != nil {
			return Form{}, e
		}
		return Form{}, Errorf("MalformedQueryString", "%v", err)
	}
	return Form{values: r.Form}, nil
}

// NewForm wraps values (for tests and GET requests).
func NewForm(values url.Values) Form { return Form{values: values} }

// Sub returns the form below prefix: Sub("Matcher").String("HttpCode") reads "Matcher.HttpCode".
func (f Form) Sub(prefix string) Form {
	out := url.Values{}
	p := prefix + "."
	for k, v := range f.values {
		if strings.HasPrefix(k, p) {
			out[k[len(p):]] = v
		}
	}
	return Form{values: out}
}

// Has reports whether key was sent, even empty.
func (f Form) Has(key string) bool {
	_, ok := f.values[key]
	return ok
}

// HasPrefix reports whether key or any key below it was sent.
func (f Form) HasPrefix(key string) bool {
	if f.Has(key) {
		return true
	}
	for k := range f.values {
		if strings.HasPrefix(k, key+".") {
			return true
		}
	}
	return false
}

// String returns the value of key, "" when absent.
func (f Form) String(key string) string { return f.values.Get(key) }

// StringPtr returns the value of key, nil when absent.
func (f Form) StringPtr(key string) *string {
	if !f.Has(key) {
		return nil
	}
	s := f.values.Get(key)
	return &s
}

// Int returns the integer at key, nil when absent; a malformed number is a ValidationError.
func (f Form) Int(key string) (*int, error) {
	if !f.Has(key) {
		return nil, nil
	}
	n, err := strconv.Atoi(f.values.Get(key))
	if err != nil {
		return nil, Errorf("ValidationError", "Value '%s' at '%s' failed to satisfy constraint: Member must be a number", f.values.Get(key), key)
	}
	return &n, nil
}

// Bool returns the boolean at key, nil when absent.
func (f Form) Bool(key string) (*bool, error) {
	if !f.Has(key) {
		return nil, nil
	}
	b, err := strconv.ParseBool(f.values.Get(key))
	if err != nil {
		return nil, Errorf("ValidationError", "Value '%s' at '%s' failed to satisfy constraint: Member must be a boolean", f.values.Get(key), key)
	}
	return &b, nil
}

// Members returns the sub-forms of the list at prefix ("prefix.member.N...") in N order. An
// empty list sent as "prefix=" (A.1) yields an empty, non-nil slice; an absent list yields nil.
func (f Form) Members(prefix string) []Form {
	list := f.Sub(prefix + ".member")
	byIndex := map[int]url.Values{}
	for k, v := range list.values {
		head, rest, _ := strings.Cut(k, ".")
		n, err := strconv.Atoi(head)
		if err != nil || n < 1 {
			continue
		}
		if byIndex[n] == nil {
			byIndex[n] = url.Values{}
		}
		byIndex[n][rest] = v
	}
	if len(byIndex) == 0 {
		if f.Has(prefix) {
			return []Form{}
		}
		return nil
	}
	idx := make([]int, 0, len(byIndex))
	for n := range byIndex {
		idx = append(idx, n)
	}
	sort.Ints(idx)
	out := make([]Form, len(idx))
	for i, n := range idx {
		out[i] = Form{values: byIndex[n]}
	}
	return out
}

// Strings returns the scalar list at prefix ("prefix.member.N=value"), nil when absent.
func (f Form) Strings(prefix string) []string {
	ms := f.Members(prefix)
	if ms == nil {
		return nil
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.String("")
	}
	return out
}

// Require returns a MissingParameter-style ValidationError when key is absent or empty.
func (f Form) Require(keys ...string) error {
	for _, k := range keys {
		if f.String(k) == "" && !f.HasPrefix(k+".member") {
			return Errorf("ValidationError", "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null",
				lowerFirst(k))
		}
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// GoString renders the form for debugging.
func (f Form) GoString() string { return fmt.Sprint(f.values) }
