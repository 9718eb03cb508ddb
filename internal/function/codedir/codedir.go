// Package codedir keeps the code folders of functions uploaded as zip packages: each package is
// unpacked once into <root>/<function>/<hash>, which becomes the function's LAMBDA_TASK_ROOT.
// The folder is made durable before anyone is told about it, and a torn one (a crash or power
// cut in the middle, a file changed on disk) is recognised and unpacked again from the zip kept
// beside it.
//
// On disk, for a package whose SHA-256 starts with <hash> (16 hex digits):
//
//	<root>/<function>/<hash>/        the unpacked files
//	<root>/<function>/<hash>.zip     the package as uploaded
//	<root>/<function>/<hash>.done    completion marker: the digest of the unpacked tree
//
// The marker is written last, after every file, folder and the zip are fsynced, so a folder
// without a marker whose digest matches is never trusted.
package codedir

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// MaxUnzipped is Lambda's 250 MB limit for an unzipped deployment package.
const MaxUnzipped = 250 << 20

// Code is an unpacked package.
type Code struct {
	// Dir is the code folder.
	Dir string
	// SHA256 is the base64 SHA-256 of the zip, as Lambda's CodeSha256.
	SHA256 string
	// Size is the zip's size in bytes.
	Size int64
}

// InvalidError is a package that cannot be unpacked: not a zip, an entry that leaves the folder,
// too large once unpacked. The Lambda API answers it with InvalidParameterValueException.
type InvalidError struct{ Message string }

func (e *InvalidError) Error() string { return e.Message }

func invalid(format string, args ...any) error {
	return &InvalidError{Message: fmt.Sprintf(format, args...)}
}

// mu serialises work on code folders: one process owns a data directory (it is locked), and
// uploads are rare enough that one at a time costs nothing.
var mu sync.Mutex

// Unpack unpacks zipped for function under root and returns its code folder. The same package is
// unpacked once; a folder found torn is unpacked again. function must be a plain name (the Lambda
// API validates it first; this refuses anything that would make a path leave root).
func Unpack(root, function string, zipped []byte) (Code, error) {
	if !isPlainName(function) {
		return Code{}, invalid("function name %q cannot name a folder", function)
	}
	sum := sha256.Sum256(zipped)
	code := Code{SHA256: base64.StdEncoding.EncodeToString(sum[:]), Size: int64(len(zipped)),
		Dir: filepath.Join(root, function, hex.EncodeToString(sum[:8]))}
	mu.Lock()
	defer mu.Unlock()
	if Check(code.Dir) == nil {
		return code, nil
	}
	// Searchable, not listable: with function users (serve --function-uids), an environment's
	// uid must reach its code; the data dir above keeps everyone else out otherwise.
	if err := os.MkdirAll(filepath.Dir(code.Dir), 0o711); err != nil {
		return Code{}, err
	}
	if err := writeFileDurably(code.Dir+".zip", zipped, 0o600); err != nil {
		return Code{}, err
	}
	return code, unpackFolder(code.Dir, zipped)
}

// Check returns nil when dir is a complete code folder: its marker exists and names the digest
// of what is on disk.
func Check(dir string) error {
	marker, err := os.ReadFile(dir + ".done")
	if err != nil {
		return fmt.Errorf("code folder %s is incomplete: %w", dir, err)
	}
	digest, err := treeDigest(dir)
	if err != nil {
		return fmt.Errorf("code folder %s: %w", dir, err)
	}
	if strings.TrimSpace(string(marker)) != digest {
		return fmt.Errorf("code folder %s does not match its completion marker", dir)
	}
	return nil
}

// Repair checks dir and, when it is torn, unpacks it again from the zip kept beside it. It does
// nothing to a folder codedir did not make (no zip beside it: a code folder named in the
// configuration file), and reports whether it unpacked.
func Repair(dir string) (bool, error) {
	mu.Lock()
	defer mu.Unlock()
	zipped, err := os.ReadFile(dir + ".zip")
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if Check(dir) == nil {
		return false, nil
	}
	sum := sha256.Sum256(zipped)
	if filepath.Base(dir) != hex.EncodeToString(sum[:8]) {
		return false, fmt.Errorf("code folder %s: the zip beside it is damaged too; upload the code again", dir)
	}
	return true, unpackFolder(dir, zipped)
}

// unpackFolder replaces dir (and its marker) with zipped unpacked, durably, marker last.
func unpackFolder(dir string, zipped []byte) error {
	if err := os.Remove(dir + ".done"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".unpack-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // no-op after the rename
	if err := extract(zipped, tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp made it 0700; runtimes list it
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(dir)); err != nil {
		return err
	}
	digest, err := treeDigest(dir)
	if err != nil {
		return err
	}
	return writeFileDurably(dir+".done", []byte(digest+"\n"), 0o600)
}

// OpenToFunctionUsers lets other uids reach the code folders under root, as function users
// need: root and each function's folder become searchable but not listable (0711), each code
// folder readable (0755). The zips and completion markers beside them stay private (0600).
// Folders made before function users existed were private.
func OpenToFunctionUsers(root string) error {
	if err := os.MkdirAll(root, 0o711); err != nil {
		return err
	}
	if err := os.Chmod(root, 0o711); err != nil {
		return err
	}
	functions, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	for _, fn := range functions {
		if !fn.IsDir() {
			continue
		}
		dir := filepath.Join(root, fn.Name())
		if err := os.Chmod(dir, 0o711); err != nil {
			return err
		}
		codes, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, c := range codes {
			if c.IsDir() && !strings.HasPrefix(c.Name(), ".") {
				if err := os.Chmod(filepath.Join(dir, c.Name()), 0o755); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// isPlainName reports whether name is one path element that stays where it is put.
func isPlainName(name string) bool {
	return name != "" && filepath.IsLocal(name) && !strings.ContainsAny(name, `/\`) && name != "."
}
