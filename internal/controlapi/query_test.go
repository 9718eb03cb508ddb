package controlapi

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// TestFormLists: the Query protocol's list flattening (A.1), including the explicitly empty list
// "Name=" that both SDKs send.
func TestFormLists(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, body, prefix string
		want               []string
	}{
		{"absent list is nil", "Action=X", "Names", nil},
		{"empty list sent as Name=", "SecurityGroups=", "SecurityGroups", []string{}},
		{"members in index order, not key order", "Names.member.10=j&Names.member.2=b&Names.member.1=a", "Names", []string{"a", "b", "j"}},
		{"values are form-decoded", "Names.member.1=%2Fapi%2F%2A+x", "Names", []string{"/api/* x"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			v, err := url.ParseQuery(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			got := NewForm(v).Strings(tc.prefix)
			if !reflect.DeepEqual(got, tc.want) || (got == nil) != (tc.want == nil) {
				t.Errorf("Strings(%q) = %#v; want %#v", tc.prefix, got, tc.want)
			}
		})
	}
}

func TestFormNestedMembers(t *testing.T) {
	t.Parallel()
	v, _ := url.ParseQuery("DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight=3&" +
		"DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight=1&DefaultActions.member.1.Type=forward")
	acts := NewForm(v).Members("DefaultActions")
	if len(acts) != 1 || acts[0].String("Type") != "forward" {
		t.Fatalf("actions: %#v", acts)
	}
	tgs := acts[0].Sub("ForwardConfig").Members("TargetGroups")
	var weights []string
	for _, tg := range tgs {
		weights = append(weights, tg.String("Weight"))
	}
	if strings.Join(weights, ",") != "1,3" {
		t.Errorf("weights %v; want 1,3", weights)
	}
}

// TestEnvelopes: the Result wrapper is present even for empty outputs, RequestId sits beside
// Error in errors, and booleans are lowercase (A.3, A.4, A.5).
func TestEnvelopes(t *testing.T) {
	t.Parallel()
	empty, err := MarshalResult("DeleteRule", "rid", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(empty), "<DeleteRuleResult></DeleteRuleResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata>") {
		t.Errorf("empty result: %s", empty)
	}
	type out struct {
		IsDefault bool `xml:"IsDefault"`
	}
	b, _ := MarshalResult("X", "rid", out{IsDefault: true})
	if !strings.Contains(string(b), "<IsDefault>true</IsDefault>") {
		t.Errorf("boolean: %s", b)
	}
	e := string(MarshalQueryError(Errorf("RuleNotFound", "One or more rules not found"), "rid"))
	want := `<ErrorResponse xmlns="` + QueryNamespace + `"><Error><Type>Sender</Type><Code>RuleNotFound</Code>` +
		`<Message>One or more rules not found</Message></Error><RequestId>rid</RequestId></ErrorResponse>`
	if strings.TrimSpace(e) != want {
		t.Errorf("error envelope:\n%s\nwant\n%s", e, want)
	}
}
