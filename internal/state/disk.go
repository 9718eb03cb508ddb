package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// stateFile holds the API resources. It is replaced whole on every change: written to a
// temporary file, synced, renamed over the old one and the directory synced, so that a crash
// (even kill -9 or a power cut) leaves either the old or the new state, never a partial one.
// One small JSON document suits the size of an ALB's configuration (a few hundred resources),
// and needs nothing beyond the standard library (docs/api.md, "Persistence").
const stateFile = "state.json"

// stateVersion is the format of the state file this albatross writes. Version 1 named the spec
// fields after the Go fields of the config model; version 2 names them as the configuration file
// does (specformat.go). Both are read; only version 2 is written.
const stateVersion = 2

type disk struct {
	dir  string
	name string // the file's name in dir; "" means stateFile
}

// file returns the name of the document in dir.
func (d *disk) file() string {
	if d.name == "" {
		return stateFile
	}
	return d.name
}

type document struct {
	Version   int           `json:"version"`
	Resources diskResources `json:"resources"`
}

func openDisk(dir string) (*disk, *Resources, error) {
	// Only albatross's user may read the state: it holds every API-made function's environment.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("state: %w", err)
	}
	d := &disk{dir: dir}
	r, err := d.load()
	if err != nil {
		return nil, nil, err
	}
	return d, r, nil
}

// load reads the state file; a missing one is an empty state.
func (d *disk) load() (*Resources, error) {
	path := filepath.Join(d.dir, d.file())
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Resources{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	r, err := decodeDocument(data)
	if err != nil {
		return nil, fmt.Errorf("state: %s: %w", path, err)
	}
	return r, nil
}

// decodeDocument reads a state file of any version this albatross knows, strictly: a key it does
// not know is an error, never a setting dropped.
func decodeDocument(data []byte) (*Resources, error) {
	var head struct {
		Version   int             `json:"version"`
		Resources json.RawMessage `json:"resources"`
	}
	if err := strictJSON(data, &head); err != nil {
		return nil, fmt.Errorf("not a state file: %w", err)
	}
	switch head.Version {
	case stateVersion:
		var r diskResources
		if err := strictJSON(head.Resources, &r); err != nil {
			return nil, err
		}
		return fromDisk(&r), nil
	case 1:
		return decodeVersion1(head.Resources)
	default:
		return nil, fmt.Errorf("version %d, this albatross reads 1 and %d", head.Version, stateVersion)
	}
}

// strictJSON decodes data into v, refusing unknown keys and trailing data.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the document")
	}
	return nil
}

// save atomically replaces the state file with r.
func (d *disk) save(r *Resources) error {
	data, err := json.MarshalIndent(document{Version: stateVersion, Resources: toDisk(r)}, "", " ")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	tmp, err := os.CreateTemp(d.dir, d.file()+".*.tmp")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(d.dir, d.file())); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	return syncDir(d.dir)
}

// syncDir makes the rename durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	return nil
}
