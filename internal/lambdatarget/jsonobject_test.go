package lambdatarget

import (
	"encoding/json"
	"maps"
	"testing"
)

// membersCases are documents whose split must equal encoding/json's map[string]json.RawMessage:
// whitespace everywhere JSON allows it, escaped and duplicate keys, nested values holding the
// delimiters the splitter looks for, and documents that are not objects.
var membersCases = []string{
	`{}`, ` { } `, "\t\r\n{\"a\" :\n1 ,\"b\":\"x\"}\n", `{"a":null}`, `{"a":1,"a":2}`,
	`{"a":null,"a":{"b":[1,2,{"c":"]}"}]}}`, `{"\u0041":"é","a\"b":"\"","a\\":"\\"}`,
	`{"k":"\ud800"}`, `{"\ud800":1}`, `{"s":"a,b}c]d{e[f","n":-1.5e+3,"t":true,"f":false}`,
	`{"statusCode":200,"headers":{"A":"b"},"multiValueHeaders":{"C":["d",""]},"body":"{\"k\":\"v\"}"}`,
	`[]`, `[{"a":1}]`, `"x"`, `1`, `true`, `null`, ` null `,
}

func TestMembersAgreesWithEncodingJSON(t *testing.T) {
	for _, doc := range membersCases {
		checkMembers(t, []byte(doc))
	}
}

// FuzzMembers: on every valid JSON document the hand-made split equals encoding/json's.
func FuzzMembers(f *testing.F) {
	for _, doc := range membersCases {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if json.Valid(doc) {
			checkMembers(t, doc)
		}
	})
}

func checkMembers(t *testing.T, doc []byte) {
	t.Helper()
	var want map[string]json.RawMessage
	if err := json.Unmarshal(doc, &want); err != nil {
		want = nil // an array, a string, ...: a type error
	}
	got := members(doc)
	if (got == nil) != (want == nil) || !maps.EqualFunc(got, want, func(a, b json.RawMessage) bool { return string(a) == string(b) }) {
		t.Fatalf("members(%q) = %q, encoding/json gives %q", doc, got, want)
	}
}
