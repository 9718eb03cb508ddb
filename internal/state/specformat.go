package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/albatross-lb/albatross/internal/config"
	"go.yaml.in/yaml/v3"
)

// The spec of a persisted record is written under the configuration file's own key names (the
// yaml tags of the config model: "health_check_path", not "HealthCheckPath") and read back
// strictly, through the same YAML decoder as the file with unknown keys refused. Renaming a Go
// field therefore changes nothing on disk, and renaming a key is an error on load rather than a
// setting silently dropped. Fields at their zero value are left out; a pointer to a zero value
// is kept, since nil and zero differ there (a weight of 0 is not "no weight").

// encodeSpec writes spec (a config model struct, or a pointer to one) as a JSON object keyed by
// its yaml names.
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
			name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "-" || v.Field(i).IsZero() {
				continue
			}
			if opts == "inline" {
				// An inlined struct's keys sit beside the outer ones, as yaml reads them.
				if inner, ok := specTree(v.Field(i)).(map[string]any); ok {
					for k, x := range inner {
						out[k] = x
					}
				}
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

// record is what every persisted record type has: its spec.
type record interface {
	LoadBalancer | Listener | Rule | TargetGroup | Function
}

// onDisk is a record as the state file holds it: the record's own fields with Go's default
// encoding (they carry json tags), and its spec in the file's key names.
type onDisk[R record] struct{ r *R }

// spec returns a pointer to r's spec.
func spec[R record](r *R) any {
	switch r := any(r).(type) {
	case *LoadBalancer:
		return &r.Spec
	case *Listener:
		return &r.Spec
	case *Rule:
		return &r.Spec
	case *TargetGroup:
		return &r.Spec
	case *Function:
		return &r.Spec
	}
	panic("state: not a record")
}

// MarshalJSON writes the record.
func (d onDisk[R]) MarshalJSON() ([]byte, error) {
	raw, err := json.Marshal(d.r)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	if fields["spec"], err = encodeSpec(spec(d.r)); err != nil {
		return nil, err
	}
	return json.Marshal(fields)
}

// UnmarshalJSON reads the record, strictly.
func (d *onDisk[R]) UnmarshalJSON(data []byte) error {
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
	d.r = new(R)
	if err := strictJSON(rest, d.r); err != nil {
		return err
	}
	return decodeSpec(rawSpec, spec(d.r))
}

// diskResources are Resources as the state file (version 2) holds them.
type diskResources struct {
	LoadBalancers []onDisk[LoadBalancer] `json:"load_balancers"`
	Listeners     []onDisk[Listener]     `json:"listeners"`
	Rules         []onDisk[Rule]         `json:"rules"`
	TargetGroups  []onDisk[TargetGroup]  `json:"target_groups"`
	Functions     []onDisk[Function]     `json:"functions"`
	// Registrations are the targets the API registered on the file's target groups.
	Registrations []diskRegistration `json:"registrations,omitempty"`
}

// diskRegistration is a Registration with explicit key names for its targets, so that renaming
// a field of config.Target never silently drops a registered target.
type diskRegistration struct {
	TargetGroup string       `json:"target_group"`
	TargetType  string       `json:"target_type"`
	Targets     []diskTarget `json:"targets"`
}

type diskTarget struct {
	ID               string `json:"id"`
	Port             int    `json:"port,omitempty"`
	AvailabilityZone string `json:"availability_zone,omitempty"`
}

func registrationsToDisk(in []Registration) []diskRegistration {
	var out []diskRegistration
	for _, r := range in {
		d := diskRegistration{TargetGroup: r.TargetGroup, TargetType: r.TargetType}
		for _, t := range r.Targets {
			d.Targets = append(d.Targets, diskTarget{ID: t.ID, Port: t.Port, AvailabilityZone: t.AvailabilityZone})
		}
		out = append(out, d)
	}
	return out
}

func registrationsFromDisk(in []diskRegistration) []Registration {
	var out []Registration
	for _, d := range in {
		r := Registration{TargetGroup: d.TargetGroup, TargetType: d.TargetType}
		for _, t := range d.Targets {
			r.Targets = append(r.Targets, config.Target{ID: t.ID, Port: t.Port, AvailabilityZone: t.AvailabilityZone})
		}
		out = append(out, r)
	}
	return out
}

func toDisk(r *Resources) diskResources {
	return diskResources{LoadBalancers: wrap(r.LoadBalancers), Listeners: wrap(r.Listeners), Rules: wrap(r.Rules),
		TargetGroups: wrap(r.TargetGroups), Functions: wrap(r.Functions), Registrations: registrationsToDisk(r.Registrations)}
}

func fromDisk(d *diskResources) *Resources {
	return &Resources{LoadBalancers: unwrap(d.LoadBalancers), Listeners: unwrap(d.Listeners), Rules: unwrap(d.Rules),
		TargetGroups: unwrap(d.TargetGroups), Functions: unwrap(d.Functions), Registrations: registrationsFromDisk(d.Registrations)}
}

func wrap[R record](in []R) []onDisk[R] {
	out := make([]onDisk[R], len(in))
	for i := range in {
		out[i] = onDisk[R]{r: &in[i]}
	}
	return out
}

func unwrap[R record](in []onDisk[R]) []R {
	if in == nil {
		return nil
	}
	out := make([]R, len(in))
	for i, d := range in {
		out[i] = *d.r
	}
	return out
}
