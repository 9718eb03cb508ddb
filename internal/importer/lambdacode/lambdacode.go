// Package lambdacode turns the code a template names — a zip package, a folder, or files an
// archive is built from — into the folder Albatross runs a function from (config.Function.Code).
// Folders are content-addressed under a cache root, so loading the same template twice unpacks
// nothing new and two functions never share a folder by accident.
package lambdacode

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Lambda's limits: a package is at most 250 MB unzipped. The zip itself is bounded by the same
// number, which no valid package reaches.
const (
	maxUnzipped = 250 << 20
	maxZip      = 250 << 20
)

// DefaultRoot is the cache root used when the caller gives none: <user cache>/albatross/code.
func DefaultRoot() string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "albatross", "code")
}

// Folder returns a folder to run: p itself when it is a folder, else p unpacked as a zip.
func Folder(p, root string) (string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		return filepath.Abs(p)
	}
	return Unzip(p, root)
}

// Unzip unpacks a zip package under root and returns the folder. Entries that would leave the
// folder, links and packages over Lambda's unzipped size limit are refused.
func Unzip(zipPath, root string) (string, error) {
	st, err := os.Stat(zipPath)
	if err != nil {
		return "", err
	}
	if st.Size() > maxZip {
		return "", fmt.Errorf("%s: larger than %d bytes", zipPath, maxZip)
	}
	data, err := os.ReadFile(zipPath)
	if err != nil {
		return "", err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("%s: not a zip package: %w", zipPath, err)
	}
	sum := sha256.Sum256(data)
	return materialise(root, "zip-"+hex.EncodeToString(sum[:12]), func(dir string) error {
		return extract(zr, dir)
	})
}

// File is one file of a folder built from parts (an archive_file's sources).
type File struct {
	Name string // slash-separated, relative
	Mode os.FileMode
	Data []byte
}

// Build writes files into a content-addressed folder under root and returns it.
func Build(files []File, root string) (string, error) {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	h := sha256.New()
	for _, f := range files {
		if !localName(f.Name) {
			return "", fmt.Errorf("file name %q leaves the package", f.Name)
		}
		fmt.Fprintf(h, "%s\x00%o\x00%d\x00", f.Name, f.Mode.Perm(), len(f.Data))
		h.Write(f.Data)
	}
	return materialise(root, "built-"+hex.EncodeToString(h.Sum(nil)[:12]), func(dir string) error {
		for _, f := range files {
			if err := writeFile(filepath.Join(dir, filepath.FromSlash(f.Name)), f.Mode, f.Data); err != nil {
				return err
			}
		}
		return nil
	})
}

// materialise fills root/name once: a folder that exists is complete, because it is only ever
// renamed into place after being filled.
func materialise(root, name string, fill func(dir string) error) (string, error) {
	dir := filepath.Join(root, name)
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(root, ".tmp-"+name+"-")
	if err != nil {
		return "", err
	}
	if err := fill(tmp); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if st, statErr := os.Stat(dir); statErr == nil && st.IsDir() {
			return dir, nil // another load got there first
		}
		return "", err
	}
	return dir, nil
}

func extract(zr *zip.Reader, dir string) error {
	var total int64
	for _, f := range zr.File {
		if !localName(strings.TrimSuffix(f.Name, "/")) {
			return fmt.Errorf("entry %q leaves the package", f.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(f.Name))
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			continue
		}
		if !f.Mode().IsRegular() {
			return fmt.Errorf("entry %q is not a regular file", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxUnzipped-total+1))
		rc.Close()
		if err != nil {
			return fmt.Errorf("entry %q: %w", f.Name, err)
		}
		if total += int64(len(data)); total > maxUnzipped {
			return errors.New("unzipped size is over Lambda's 250 MB limit")
		}
		if err := writeFile(target, f.Mode(), data); err != nil {
			return err
		}
	}
	return nil
}

// writeFile keeps the executable bits (a bootstrap must stay executable) and makes the file
// readable.
func writeFile(target string, mode os.FileMode, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	perm := mode.Perm() | 0o644
	if mode.Perm()&0o111 != 0 {
		perm |= 0o755
	}
	return os.WriteFile(target, data, perm)
}

// localName reports whether a slash-separated name stays inside its folder.
func localName(name string) bool {
	return name != "" && !strings.Contains(name, "\\") && filepath.IsLocal(filepath.FromSlash(name))
}
