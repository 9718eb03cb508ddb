package lambda

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Zip packages (CreateFunction / UpdateFunctionCode with ZipFile). A package is unpacked once
// into CodeDir/<function>/<sha256 prefix>, which becomes the function's code directory
// (LAMBDA_TASK_ROOT): a bootstrap for provided runtimes, sources for Node.js and Python.

// Unpacked-size bound: Lambda's 250 MB limit for unzipped deployment packages.
const maxUnzipped = 250 << 20

// unpackedCode is a package unpacked on disk.
type unpackedCode struct {
	dir    string
	sha256 string // base64 of the zip's SHA-256, as Lambda's CodeSha256
	size   int64
}

// unpack writes the zip package to a directory named after its hash; the same package is
// unpacked only once.
func unpack(codeDir, function string, zipped []byte) (unpackedCode, error) {
	sum := sha256.Sum256(zipped)
	out := unpackedCode{sha256: base64.StdEncoding.EncodeToString(sum[:]), size: int64(len(zipped))}
	out.dir = filepath.Join(codeDir, function, hex.EncodeToString(sum[:8]))
	if st, err := os.Stat(out.dir); err == nil && st.IsDir() {
		return out, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		return out, invalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again: %v", err)
	}
	if err := os.MkdirAll(codeDir, 0o755); err != nil {
		return out, err
	}
	tmp, err := os.MkdirTemp(codeDir, "unpack-*")
	if err != nil {
		return out, err
	}
	defer os.RemoveAll(tmp) // no-op after the rename
	if err := extract(zr, tmp); err != nil {
		return out, err
	}
	if err := os.MkdirAll(filepath.Dir(out.dir), 0o755); err != nil {
		return out, err
	}
	if err := os.Rename(tmp, out.dir); err != nil {
		return out, err
	}
	return out, nil
}

func extract(zr *zip.Reader, dir string) error {
	var total int64
	for _, f := range zr.File {
		name := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(name) {
			return invalidParameter("Could not unzip uploaded file: entry %q leaves the package", f.Name)
		}
		dst := filepath.Join(dir, name)
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
			continue
		}
		total += int64(f.UncompressedSize64)
		if total > maxUnzipped {
			return invalidParameter("Unzipped size must be smaller than %d bytes", maxUnzipped)
		}
		if err := extractFile(f, dst); err != nil {
			return err
		}
	}
	return nil
}

// extractFile writes one entry. Modes come from the zip; a bootstrap is made executable even
// when the zip tool did not record modes (zips made on Windows), as Lambda documents for custom
// runtimes.
func extractFile(f *zip.File, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	mode := f.Mode().Perm() | 0o644
	if strings.EqualFold(filepath.Base(dst), "bootstrap") {
		mode |= 0o755
	}
	rc, err := f.Open()
	if err != nil {
		return invalidParameter("Could not unzip uploaded file: %v", err)
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, io.LimitReader(rc, maxUnzipped)); err != nil {
		out.Close()
		return fmt.Errorf("unzip %s: %w", f.Name, err)
	}
	return out.Close()
}
