package reconcile

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// StickinessKeyFile is the name of the file in the data directory that holds the key
// authenticating stickiness cookies (AWSALB, AWSALBAPP-0, AWSALBTG).
const StickinessKeyFile = "stickiness.key"

const stickinessKeyLen = 32

// LoadStickinessKey returns the stickiness cookie key kept in dir, creating dir and a fresh
// random key (file mode 0600) on first use, so that clients stay stuck across restarts. A key
// file of the wrong size is an error rather than silently replaced.
func LoadStickinessKey(dir string) ([]byte, error) {
	path := filepath.Join(dir, StickinessKeyFile)
	key, err := os.ReadFile(path)
	switch {
	case err == nil && len(key) == stickinessKeyLen:
		return key, nil
	case err == nil:
		return nil, fmt.Errorf("%s: want %d bytes, found %d", path, stickinessKeyLen, len(key))
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	key = make([]byte, stickinessKeyLen)
	_, _ = rand.Read(key)
	tmp, err := os.CreateTemp(dir, StickinessKeyFile+".*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(key); err != nil {
		_ = tmp.Close()
		return nil, err
	}
	// Synced before it is linked, and the link synced, so that a power cut cannot leave an empty
	// key file behind that every later start would refuse.
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	// Link, not rename: if another process created the key meanwhile, its key wins.
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return LoadStickinessKey(dir)
	} else if err != nil {
		return nil, err
	}
	if err := syncDir(dir); err != nil {
		return nil, err
	}
	return key, nil
}

// syncDir makes a new directory entry in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
