package lambdatarget

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// response is a function's answer, validated (§5.3) and ready to write.
type response struct {
	status int
	// description is statusDescription, "" when absent (§12.3).
	description string
	header      http.Header
	body        []byte
	// declaredLength is the Content-Length the function sent, which is replaced (LAM-25) except
	// in a HEAD answer without a body (head.go).
	declaredLength string
	// warn says whether warnings are collected: only strict mode logs them, so the default path
	// formats none.
	warn bool
	// warnings are things AWS accepts but that are likely bugs.
	warnings []string
}

// Response field names (§5.3).
const (
	fieldStatusCode        = "statusCode"
	fieldStatusDescription = "statusDescription"
	fieldHeaders           = "headers"
	fieldMultiValueHeaders = "multiValueHeaders"
	fieldBody              = "body"
	fieldIsBase64Encoded   = "isBase64Encoded"
)

var knownFields = []string{fieldStatusCode, fieldStatusDescription, fieldHeaders,
	fieldMultiValueHeaders, fieldBody, fieldIsBase64Encoded}

// parseResponse validates a function's result payload as the ALB does. Only statusCode is
// required (LAM-21, §12.1); any field given as null (LAM-22) or with the wrong JSON type (LAM-23)
// is a 502 LambdaInvalidResponse, and so is a payload that is not a JSON object. multiValue says
// which header field is read (LAM-24, §12.2); warn says whether to collect warnings (strict
// mode). Every returned error is an *elberr.Error with status 502 whose Err explains the
// rejection.
func parseResponse(payload []byte, multiValue, warn bool) (*response, *elberr.Error) {
	if len(payload) > MaxResponsePayload {
		return nil, userError(http.StatusBadGateway, ReasonResponseTooLarge,
			fmt.Errorf("response is %d bytes, more than the %d allowed", len(payload), MaxResponsePayload))
	}
	if !utf8.Valid(payload) {
		return nil, invalidResponse("response: not valid UTF-8")
	}
	var fields map[string]json.RawMessage
	if json.Valid(payload) {
		fields = members(payload)
	}
	if fields == nil {
		// Not JSON, or JSON that is not an object: encoding/json's error says which.
		if err := json.Unmarshal(payload, &fields); err != nil && !isTypeError(err) {
			return nil, invalidResponse("response: not valid JSON: %v", err)
		}
		return nil, invalidResponse("response: must be a JSON object, got %s", describe(payload))
	}
	for _, name := range knownFields {
		if raw, ok := fields[name]; ok && string(raw) == "null" {
			return nil, invalidResponse("%s: must not be null (omit the field instead)", name)
		}
	}
	resp := &response{warn: warn}
	if err := resp.parseStatus(fields); err != nil {
		return nil, err
	}
	if err := resp.parseHeaders(fields, multiValue); err != nil {
		return nil, err
	}
	if err := resp.parseBody(fields); err != nil {
		return nil, err
	}
	resp.warnUnknown(fields)
	resp.warnBody()
	return resp, nil
}

// warnBody flags bodies that are accepted but probably not what the function meant.
func (resp *response) warnBody() {
	if !resp.warn {
		return
	}
	if len(resp.body) == 0 {
		return
	}
	if resp.status == http.StatusNoContent || resp.status == http.StatusNotModified {
		resp.warnf("body: %d bytes dropped, status %d has no body", len(resp.body), resp.status)
	} else if _, ok := resp.header["Content-Type"]; !ok {
		resp.warnf("body: sent without a Content-Type header")
	}
}

func isTypeError(err error) bool {
	_, ok := err.(*json.UnmarshalTypeError)
	return ok
}

// parseStatus reads statusCode and statusDescription. statusCode must be a JSON integer literal
// from 200 to 599: strings ("200"), fractions (200.0) and exponents are rejected, as are 1xx codes,
// which cannot end an HTTP exchange (§12.1, LAM-28).
func (resp *response) parseStatus(fields map[string]json.RawMessage) *elberr.Error {
	raw, ok := fields[fieldStatusCode]
	if !ok {
		return invalidResponse("statusCode: required")
	}
	if !isIntegerLiteral(raw) {
		return invalidResponse("statusCode: must be an integer, got %s", describe(raw))
	}
	code, err := strconv.Atoi(string(raw))
	if err != nil || code < 200 || code > 599 {
		return invalidResponse("statusCode: must be from 200 to 599, got %s", raw)
	}
	resp.status = code
	if raw, ok := fields[fieldStatusDescription]; ok {
		desc, err := stringValue(fieldStatusDescription, raw)
		if err != nil {
			return err
		}
		resp.description = desc
		want := strconv.Itoa(code) + " "
		if !strings.HasPrefix(desc, want) || len(desc) == len(want) {
			resp.warnf("statusDescription: %q is not of the form \"%d <reason>\"", desc, code)
		}
	}
	return nil
}

func isIntegerLiteral(raw []byte) bool {
	digits := raw
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 9 {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseBody reads body and isBase64Encoded. A base64 body must be standard, padded base64
// without line breaks: MIME-style wrapped base64 is rejected (LAM-23).
func (resp *response) parseBody(fields map[string]json.RawMessage) *elberr.Error {
	encoded := false
	if raw, ok := fields[fieldIsBase64Encoded]; ok {
		switch string(raw) {
		case "true":
			encoded = true
		case "false":
		default:
			return invalidResponse("isBase64Encoded: must be a boolean, got %s", describe(raw))
		}
	}
	raw, ok := fields[fieldBody]
	if !ok {
		return nil // LAM-21: no body field, empty body
	}
	body, err := stringValue(fieldBody, raw)
	if err != nil {
		return err
	}
	if !encoded {
		resp.body = []byte(body)
		return nil
	}
	if strings.ContainsAny(body, "\r\n") {
		return invalidResponse("body: base64 must not contain line breaks")
	}
	decoded, decodeErr := base64.StdEncoding.Strict().DecodeString(body)
	if decodeErr != nil {
		return invalidResponse("body: invalid base64: %v", decodeErr)
	}
	resp.body = decoded
	return nil
}

// stringValue decodes a JSON string, with a fast path for the common case without escapes.
func stringValue(field string, raw json.RawMessage) (string, *elberr.Error) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", invalidResponse("%s: must be a string, got %s", field, describe(raw))
	}
	if !slices.Contains(raw, '\\') {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", invalidResponse("%s: %v", field, err)
	}
	return s, nil
}

// describe names a JSON value's type for error details, with the value when it is short.
func describe(raw []byte) string {
	kind := "object"
	switch {
	case len(raw) == 0:
		return "nothing"
	case raw[0] == '"':
		kind = "string"
	case raw[0] == '[':
		kind = "array"
	case raw[0] == 't' || raw[0] == 'f':
		kind = "boolean"
	case raw[0] == 'n':
		return "null"
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		kind = "number"
	}
	if len(raw) > 40 {
		return kind
	}
	return kind + " " + string(raw)
}

func (resp *response) warnf(format string, args ...any) {
	if !resp.warn {
		return
	}
	resp.warnings = append(resp.warnings, fmt.Sprintf(format, args...))
}

// warnUnknown flags fields the ALB ignores, which are usually typos (StatusCode) or another
// event source's format (API Gateway's "cookies").
func (resp *response) warnUnknown(fields map[string]json.RawMessage) {
	if !resp.warn {
		return
	}
	var unknown []string
	for name := range fields {
		if !slices.Contains(knownFields, name) {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		resp.warnf("%s: unknown field, ignored by the load balancer", name)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
