package state

import (
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

// stateVersion is written into the file so that a future format can be recognised.
const stateVersion = 1

type disk struct{ dir string }

type document struct {
	Version   int       `json:"version"`
	Resources Resources `json:"resources"`
}

func openDisk(dir string) (*disk, *Resources, error) {
	// Only albatross's user may read the state: it holds every API-made function's environment.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("state: %w", err)
	}
	d := &disk{dir: dir}
	data, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return d, &Resources{}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("state: %w", err)
	}
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("state: %s is not a state file: %w", filepath.Join(dir, stateFile), err)
	}
	if doc.Version != stateVersion {
		return nil, nil, fmt.Errorf("state: %s has version %d, this albatross reads %d",
			filepath.Join(dir, stateFile), doc.Version, stateVersion)
	}
	return d, &doc.Resources, nil
}

// save atomically replaces the state file with r.
func (d *disk) save(r *Resources) error {
	data, err := json.MarshalIndent(document{Version: stateVersion, Resources: *r}, "", " ")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	tmp, err := os.CreateTemp(d.dir, stateFile+".*.tmp")
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
	if err := os.Rename(tmp.Name(), filepath.Join(d.dir, stateFile)); err != nil {
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
