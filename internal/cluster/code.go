package cluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// codeChunk is the size of one key of function code: under etcd's default request limit
// (1.5 MiB) with room to spare, so that Lambda's 50 MB zip is at most 50 keys. Code is written
// once per content (the key is its SHA-256) and read once per node.
const codeChunk = 1 << 20

// maxCodeSize bounds a package read from etcd: none larger unpacks within Lambda's 250 MB
// unzipped limit (codedir.MaxUnzipped).
const maxCodeSize = 250 << 20

// ErrNoCode is GetCode's answer for code that no node uploaded.
var ErrNoCode = errors.New("function code not in the cluster store")

// codeManifest is written after every chunk, so that a reader that finds it finds all of them.
type codeManifest struct {
	Size   int `json:"size"`
	Chunks int `json:"chunks"`
}

// PutCode stores a function's zip package under its SHA-256 for the other nodes. Storing the
// same package again costs one read.
func (c *Cluster) PutCode(ctx context.Context, zipped []byte) error {
	sum := sha256.Sum256(zipped)
	base := c.codeKey(hex.EncodeToString(sum[:]))
	ctx, cancel := context.WithTimeout(ctx, requestTimeout+time.Duration(len(zipped)/codeChunk)*time.Second)
	defer cancel()
	if resp, err := c.cli.Get(ctx, base, clientv3.WithCountOnly()); err != nil {
		return fmt.Errorf("storing function code %x: %w", sum, unavailable(err))
	} else if resp.Count > 0 {
		return nil
	}
	m := codeManifest{Size: len(zipped)}
	for off := 0; off < len(zipped); off += codeChunk {
		end := min(off+codeChunk, len(zipped))
		if _, err := c.cli.Put(ctx, fmt.Sprintf("%s/%06d", base, m.Chunks), string(zipped[off:end])); err != nil {
			return fmt.Errorf("storing function code %x, chunk %d: %w", sum, m.Chunks, unavailable(err))
		}
		m.Chunks++
	}
	data, _ := json.Marshal(m)
	if _, err := c.cli.Put(ctx, base, string(data)); err != nil {
		return fmt.Errorf("storing function code %x, manifest: %w", sum, unavailable(err))
	}
	return nil
}

// GetCode returns the zip package whose SHA-256 is hexSum, checked against it.
func (c *Cluster) GetCode(ctx context.Context, hexSum string) ([]byte, error) {
	base := c.codeKey(hexSum)
	ctx, cancel := context.WithTimeout(ctx, 4*requestTimeout)
	defer cancel()
	resp, err := c.cli.Get(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("function code %s: %w", hexSum, unavailable(err))
	}
	if len(resp.Kvs) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNoCode, hexSum)
	}
	var m codeManifest
	if err := json.Unmarshal(resp.Kvs[0].Value, &m); err != nil {
		return nil, fmt.Errorf("function code %s: manifest: %w", hexSum, err)
	}
	// Every node reads the manifest and allocates by it: one that does not add up must not
	// make them all fall over.
	if m.Size < 0 || m.Size > maxCodeSize || m.Chunks != (m.Size+codeChunk-1)/codeChunk {
		return nil, fmt.Errorf("function code %s: manifest of %d bytes in %d chunks does not add up", hexSum, m.Size, m.Chunks)
	}
	zipped := make([]byte, 0, m.Size)
	for i := range m.Chunks {
		// One chunk per request, so that no response goes over etcd's size limits either.
		r, err := c.cli.Get(ctx, fmt.Sprintf("%s/%06d", base, i))
		if err != nil {
			return nil, fmt.Errorf("function code %s, chunk %d: %w", hexSum, i, unavailable(err))
		}
		if len(r.Kvs) == 0 {
			return nil, fmt.Errorf("function code %s: chunk %d is missing", hexSum, i)
		}
		zipped = append(zipped, r.Kvs[0].Value...)
	}
	sum := sha256.Sum256(zipped)
	if hex.EncodeToString(sum[:]) != hexSum {
		return nil, fmt.Errorf("function code %s: what etcd holds has another SHA-256", hexSum)
	}
	return zipped, nil
}

func (c *Cluster) codeKey(hexSum string) string { return c.key("code/" + hexSum) }
