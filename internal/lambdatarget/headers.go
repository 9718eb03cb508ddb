package lambdatarget

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// MaxResponseHeaderBytes is the ALB's limit on the whole response header block (LIM-01); more is
// a 502 (LIM-02).
const MaxResponseHeaderBytes = 32 << 10

// hopByHop lists the response headers the ALB drops (LAM-25, HOP-02), in canonical form.
// Content-Length is dropped too: the ALB computes it from the body.
var hopByHop = map[string]bool{
	"Connection":        true,
	"Keep-Alive":        true,
	"Proxy-Connection":  true,
	"Te":                true,
	"Trailer":           true,
	"Transfer-Encoding": true,
	"Upgrade":           true,
	"Content-Length":    true,
}

// parseHeaders reads the header field that the target group's mode selects (LAM-24, §12.2):
// headers when multi-value is off, multiValueHeaders when it is on. The other field is still
// type-checked (the same function must work if the attribute is flipped) but its values are not
// used. Names are canonicalised; hop-by-hop headers and Content-Length are dropped (LAM-25).
func (resp *response) parseHeaders(fields map[string]json.RawMessage, multiValue bool) *elberr.Error {
	single, err := singleHeaders(fields[fieldHeaders])
	if err != nil {
		return err
	}
	multi, err := multiHeaders(fields[fieldMultiValueHeaders])
	if err != nil {
		return err
	}
	used, usedField, other, otherField := single, fieldHeaders, multi, fieldMultiValueHeaders
	if multiValue {
		used, usedField, other, otherField = multi, fieldMultiValueHeaders, single, fieldHeaders
	}
	if len(used) == 0 && len(other) > 0 {
		resp.warnf("%s: ignored because lambda.multi_value_headers.enabled is %t; use %s",
			otherField, multiValue, usedField)
	}
	return resp.setHeaders(used, usedField)
}

// headerField is one response header before validation.
type headerField struct {
	name   string
	values []string
}

func singleHeaders(raw json.RawMessage) ([]headerField, *elberr.Error) {
	if raw == nil {
		return nil, nil
	}
	obj, err := object(fieldHeaders, raw)
	if err != nil {
		return nil, err
	}
	fields := make([]headerField, 0, len(obj))
	for _, name := range sortedKeys(obj) {
		value, err := stringValue(fieldHeaders+"."+name, obj[name])
		if err != nil {
			return nil, err
		}
		fields = append(fields, headerField{name, []string{value}})
	}
	return fields, nil
}

func multiHeaders(raw json.RawMessage) ([]headerField, *elberr.Error) {
	if raw == nil {
		return nil, nil
	}
	obj, err := object(fieldMultiValueHeaders, raw)
	if err != nil {
		return nil, err
	}
	fields := make([]headerField, 0, len(obj))
	for _, name := range sortedKeys(obj) {
		path := fieldMultiValueHeaders + "." + name
		var list []json.RawMessage
		if obj[name][0] != '[' || json.Unmarshal(obj[name], &list) != nil {
			return nil, invalidResponse("%s: must be an array of strings, got %s", path, describe(obj[name]))
		}
		values := make([]string, 0, len(list))
		for i, item := range list {
			value, err := stringValue(path+"["+strconv.Itoa(i)+"]", item)
			if err != nil {
				return nil, err
			}
			values = append(values, value)
		}
		fields = append(fields, headerField{name, values})
	}
	return fields, nil
}

func object(field string, raw json.RawMessage) (map[string]json.RawMessage, *elberr.Error) {
	// raw is a member of the payload, which json.Valid accepted.
	obj := members(raw)
	if obj == nil {
		return nil, invalidResponse("%s: must be an object, got %s", field, describe(raw))
	}
	return obj, nil
}

// setHeaders validates and keeps the headers to send. A name that is not an HTTP token, or a
// value with control characters, would corrupt the response: the ALB answers 502 (§7 "invalid
// headers"), and so do we. So does a header block over MaxResponseHeaderBytes (LIM-02).
func (resp *response) setHeaders(fields []headerField, field string) *elberr.Error {
	resp.header = make(http.Header, len(fields))
	size := 0
	var connectionTokens []string
	for _, f := range fields {
		if !validHeaderName(f.name) {
			return invalidResponse("%s: %q is not a valid header name", field, f.name)
		}
		name := http.CanonicalHeaderKey(f.name)
		for _, v := range f.values {
			if !validHeaderValue(v) {
				return invalidResponse("%s.%s: value contains control characters", field, f.name)
			}
			size += len(name) + len(v) + len(": \r\n")
		}
		if name == "Content-Length" && len(f.values) > 0 {
			resp.declaredLength = f.values[len(f.values)-1]
		}
		if name == "Connection" {
			connectionTokens = append(connectionTokens, f.values...)
		}
		if hopByHop[name] {
			continue
		}
		resp.header[name] = append(resp.header[name], f.values...)
	}
	if size > MaxResponseHeaderBytes {
		return invalidResponse("%s: %d bytes of headers, more than the %d allowed", field, size, MaxResponseHeaderBytes)
	}
	// Headers named in Connection are hop-by-hop too (RFC 9110 §7.6.1).
	for _, v := range connectionTokens {
		for token := range strings.SplitSeq(v, ",") {
			delete(resp.header, http.CanonicalHeaderKey(strings.TrimSpace(token)))
		}
	}
	return nil
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return false
		}
	}
	return true
}

func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
