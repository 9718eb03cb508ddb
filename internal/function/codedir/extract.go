package codedir

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// extract writes every entry of zipped below dir and fsyncs each file and folder.
func extract(zipped []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		return invalid("Could not unzip uploaded file. Please check your file, then try to upload again: %v", err)
	}
	var total int64
	dirs := map[string]bool{dir: true}
	for _, f := range zr.File {
		name := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(name) {
			return invalid("Could not unzip uploaded file: entry %q leaves the package", f.Name)
		}
		dst := filepath.Join(dir, name)
		if f.FileInfo().IsDir() {
			if err := mkdirs(dir, dst, dirs); err != nil {
				return err
			}
			continue
		}
		total += int64(f.UncompressedSize64)
		if total > MaxUnzipped {
			return invalid("Unzipped size must be smaller than %d bytes", MaxUnzipped)
		}
		if err := mkdirs(dir, filepath.Dir(dst), dirs); err != nil {
			return err
		}
		if err := extractFile(f, dst); err != nil {
			return err
		}
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// mkdirs creates dst and its parents below top (mode 0755) and remembers each for the fsync.
func mkdirs(top, dst string, dirs map[string]bool) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for d := dst; d != top && strings.HasPrefix(d, top); d = filepath.Dir(d) {
		dirs[d] = true
	}
	return nil
}

// fileMode is the mode an entry is written with: its own permission bits without group and world
// write (other local users must not change a function's code) and never setuid or setgid (Perm
// drops those), at least readable; a bootstrap is executable even when the zip tool recorded no
// modes (zips made on Windows), as Lambda documents for custom runtimes.
func fileMode(f *zip.File, dst string) os.FileMode {
	mode := f.Mode().Perm()&0o755 | 0o644
	if strings.EqualFold(filepath.Base(dst), "bootstrap") {
		mode |= 0o755
	}
	return mode
}

// extractFile writes one entry and fsyncs it.
func extractFile(f *zip.File, dst string) error {
	rc, err := f.Open()
	if err != nil {
		return invalid("Could not unzip uploaded file: %v", err)
	}
	defer rc.Close()
	mode := fileMode(f, dst)
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		if os.IsExist(err) {
			return invalid("Could not unzip uploaded file: entry %q appears twice", f.Name)
		}
		return err
	}
	if _, err := io.Copy(out, io.LimitReader(rc, MaxUnzipped)); err != nil {
		out.Close()
		return invalid("Could not unzip uploaded file: %s: %v", f.Name, err)
	}
	// The umask may have taken bits away; the mode is the one decided above.
	if err := out.Chmod(mode); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("unzip %s: %w", f.Name, err)
	}
	return out.Close()
}
