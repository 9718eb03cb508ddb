package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The spec of a persisted record is written under the configuration file's own key names (the
// yaml tags of the config model: "health_check_path", not "HealthCheckPath") and read back
// strictly, through the same YAML decoder as the file with unknown keys refused. Renaming a Go
// field therefore changes nothing on disk, and renaming a key is an error on load rather than a
// setting silently dropped. Fields at their zero value are left out; a pointer to a zero value
// is kept, since nil and zero differ there (a weight of 0 is not "no weight").

// encodeSpec writes spec (a config model struct) as a JSON object keyed by its yaml names.
func encodeSpec(spec any) (json.RawMessage, error) {
	return json.Marshal(specTree(reflect.ValueOf(spec)))
}

// decodeSpec reads what encodeSpec wrote into spec (a pointer to a config model struct),
// refusing keys the model does not have. JSON is YAML, so the file's decoder reads it.
func decodeSpec(data json.RawMessage, spec any) error {
	if len(data) == 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(spec); err != nil {
		return fmt.Errorf("spec: %w", err)
	}
	return nil
}

// specTree is v as maps keyed by yaml names, slices and scalars.
func specTree(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return specTree(v.Elem())
	case reflect.Struct:
		out := map[string]any{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "-" || v.Field(i).IsZero() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name) // yaml's own default
			}
			out[name] = specTree(v.Field(i))
		}
		return out
	case reflect.Slice, reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = specTree(v.Index(i))
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		for it := v.MapRange(); it.Next(); {
			out[fmt.Sprint(it.Key().Interface())] = specTree(it.Value())
		}
		return out
	default:
		return v.Interface()
	}
}

// marshalRecord writes a record (plain: its type without methods, so that the default encoding
// applies) with its spec in the file's key names.
func marshalRecord(plain, spec any) ([]byte, error) {
	raw, err := json.Marshal(plain)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	if fields["spec"], err = encodeSpec(spec); err != nil {
		return nil, err
	}
	return json.Marshal(fields)
}

// unmarshalRecord reads what marshalRecord wrote, strictly: plain receives every field but the
// spec, spec the spec.
func unmarshalRecord(data []byte, plain, spec any) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return err
	}
	rawSpec := fields["spec"]
	delete(fields, "spec")
	rest, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(plain); err != nil {
		return err
	}
	return decodeSpec(rawSpec, spec)
}

// MarshalJSON writes the record in the state file's format.
func (r LoadBalancer) MarshalJSON() ([]byte, error) {
	type plain LoadBalancer
	return marshalRecord(plain(r), r.Spec)
}

// UnmarshalJSON reads the record in the state file's format, strictly.
func (r *LoadBalancer) UnmarshalJSON(data []byte) error {
	type plain LoadBalancer
	return unmarshalRecord(data, (*plain)(r), &r.Spec)
}

// MarshalJSON writes the record in the state file's format.
func (r Listener) MarshalJSON() ([]byte, error) {
	type plain Listener
	return marshalRecord(plain(r), r.Spec)
}

// UnmarshalJSON reads the record in the state file's format, strictly.
func (r *Listener) UnmarshalJSON(data []byte) error {
	type plain Listener
	return unmarshalRecord(data, (*plain)(r), &r.Spec)
}

// MarshalJSON writes the record in the state file's format.
func (r Rule) MarshalJSON() ([]byte, error) {
	type plain Rule
	return marshalRecord(plain(r), r.Spec)
}

// UnmarshalJSON reads the record in the state file's format, strictly.
func (r *Rule) UnmarshalJSON(data []byte) error {
	type plain Rule
	return unmarshalRecord(data, (*plain)(r), &r.Spec)
}

// MarshalJSON writes the record in the state file's format.
func (r TargetGroup) MarshalJSON() ([]byte, error) {
	type plain TargetGroup
	return marshalRecord(plain(r), r.Spec)
}

// UnmarshalJSON reads the record in the state file's format, strictly.
func (r *TargetGroup) UnmarshalJSON(data []byte) error {
	type plain TargetGroup
	return unmarshalRecord(data, (*plain)(r), &r.Spec)
}

// MarshalJSON writes the record in the state file's format.
func (r Function) MarshalJSON() ([]byte, error) {
	type plain Function
	return marshalRecord(plain(r), r.Spec)
}

// UnmarshalJSON reads the record in the state file's format, strictly.
func (r *Function) UnmarshalJSON(data []byte) error {
	type plain Function
	return unmarshalRecord(data, (*plain)(r), &r.Spec)
}
