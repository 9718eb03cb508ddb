package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Backend keeps the API's resources where they outlive the process: the data directory of one
// node (the state file) or a store shared by several nodes (package cluster's etcd backend).
type Backend interface {
	// Load returns the stored resources (empty when nothing is stored yet) and their revision.
	Load(ctx context.Context) (*Resources, Revision, error)
	// Save stores r if the stored revision is still prev, and returns the new revision. It
	// returns ErrConflict, storing nothing, when someone else saved since prev; an error
	// wrapping ErrUnavailable when the store cannot be reached. Save returns only once the store
	// has r durably.
	Save(ctx context.Context, r *Resources, prev Revision) (Revision, error)
}

// Follower is a Backend that others change too: Follow calls changed with every version saved
// after from, in order, until ctx ends.
type Follower interface {
	Backend
	Follow(ctx context.Context, from Revision, changed func(r *Resources, rev Revision))
}

// Revision identifies one saved version of the resources. Mod is what Save compares (etcd's
// mod revision of the key); Seen orders versions (etcd's store revision when it was read), so
// that a version is never applied after a newer one.
type Revision struct{ Mod, Seen int64 }

// ErrConflict is Save's answer when the stored resources changed since they were read: the
// change is made again on the newer resources.
var ErrConflict = errors.New("state: changed by another node")

// ErrUnavailable marks errors of a store that cannot be reached. The API answers them with 503
// (the change was not made; a client may retry) and keeps serving the last state it had.
var ErrUnavailable = errors.New("state store unavailable")

// EncodeResources writes r as a version 2 state document, the format of the state file, which
// shared stores keep too.
func EncodeResources(r *Resources) ([]byte, error) {
	data, err := json.Marshal(document{Version: stateVersion, Resources: toDisk(r)})
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	return data, nil
}

// DecodeResources reads a state document of any version this albatross knows, strictly.
func DecodeResources(data []byte) (*Resources, error) { return decodeDocument(data) }

// diskBackend adapts the state file to Backend. One process owns the data directory (it is
// locked), so there is never a conflict.
type diskBackend struct{ d *disk }

func (b diskBackend) Load(context.Context) (*Resources, Revision, error) {
	r, err := b.d.load()
	return r, Revision{}, err
}

func (b diskBackend) Save(_ context.Context, r *Resources, _ Revision) (Revision, error) {
	return Revision{}, b.d.save(r)
}
