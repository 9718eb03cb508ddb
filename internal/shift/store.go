package shift

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
)

// Store keeps the state of each shift by rule name, so that a shift survives a restart. A
// cluster keeps it in its shared store instead and lets one leader drive the shifts; FileStore
// is the single-process one.
type Store interface {
	// Load returns the rule's saved state; ok is false when there is none.
	Load(rule string) (s State, ok bool, err error)
	// Save replaces the rule's state. A store shared by several processes returns ErrConflict,
	// saving nothing, when another process saved the rule's state since this store last loaded,
	// saved or followed it.
	Save(rule string, s State) error
}

// ErrConflict is Save's answer when another process saved the rule's state first: the
// controller reads the stored state and makes its change again on top of it, so that an
// operator's command given on one node is not undone by a tick on another.
var ErrConflict = errors.New("shift: state changed by another node")

// ErrNotSaved marks a command a shared store did not take (etcd away): nothing changed, and the
// operator may give it again (the API answers 503).
var ErrNotSaved = errors.New("shift state not saved")

// Follower is a Store shared by several processes: Follow calls changed with the rule of every
// state another process saves (not this store's own saves), until ctx ends, and the rule's
// controller loads it (Controller.Reload), so that every process routes with the same share
// while one of them drives the shift.
type Follower interface {
	Store
	Follow(ctx context.Context, changed func(rule string))
}

// LeaderStore is a shared Store that fences the saves of the node leading the shifts: a
// leader can lose its leadership without noticing at once (its lease lapsed while the process
// stalled), and must not move a shift another node now drives.
type LeaderStore interface {
	Store
	// SaveLeading saves like Save while the leadership lead carries (Elector.Lead's context)
	// still holds in the store; else it returns ErrNotLeading and saves nothing.
	SaveLeading(lead context.Context, rule string, s State) error
}

// ErrNotLeading is SaveLeading's answer to a node whose leadership ended. It is an ErrConflict:
// the controller reads the stored state and drops its tick.
var ErrNotLeading = fmt.Errorf("%w: this node no longer leads the shifts", ErrConflict)

// FileStore keeps each rule's state as a JSON file in a directory (<data-dir>/shift). It is
// safe for concurrent use.
type FileStore struct {
	dir string
	mu  sync.Mutex
}

// NewFileStore returns a store in dir, created (0700) on first save.
func NewFileStore(dir string) *FileStore { return &FileStore{dir: dir} }

var _ Store = (*FileStore)(nil)

// path names the file of a rule: its name escaped, so that "web/8080/15" is one file name.
func (f *FileStore) path(rule string) string {
	return filepath.Join(f.dir, url.PathEscape(rule)+".json")
}

// Load reads the rule's file; a missing file is no state.
func (f *FileStore) Load(rule string) (State, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, err := os.ReadFile(f.path(rule))
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, false, nil
	}
	if err != nil {
		return State{}, false, err
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return State{}, false, fmt.Errorf("%s: %w", f.path(rule), err)
	}
	return s, true, nil
}

// Save writes the rule's file through a temporary file, synced before it is renamed over the
// old one, so that a crash or a power cut leaves the old state or the new one, never half of one
// (a rename can reach the disk before the data it names).
func (f *FileStore) Save(rule string, s State) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.write(f.path(rule), s); err != nil {
		return fmt.Errorf("saving the shift state of %s: %w", rule, err)
	}
	return nil
}

func (f *FileStore) write(path string, s State) error {
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.OpenFile(path+".tmp", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// MemoryStore keeps states in memory only: a shift then restarts with the process.
type MemoryStore struct {
	mu     sync.Mutex
	states map[string]State
}

var _ Store = (*MemoryStore)(nil)

// Load returns the rule's state.
func (m *MemoryStore) Load(rule string) (State, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.states[rule]
	return s, ok, nil
}

// Save keeps the rule's state.
func (m *MemoryStore) Save(rule string, s State) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.states == nil {
		m.states = map[string]State{}
	}
	m.states[rule] = s
	return nil
}
