package state

import "encoding/json"

// decodeVersion1 reads the resources of a version 1 state file. Version 1 wrote each record with
// Go's default encoding, spec included, so the spec's keys are the config model's Go field names;
// the records' own encoding (without onDisk) reads them, and refuses fields the model no longer
// has.
func decodeVersion1(data json.RawMessage) (*Resources, error) {
	var r Resources
	if err := strictJSON(data, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
