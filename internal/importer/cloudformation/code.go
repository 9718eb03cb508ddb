package cloudformation

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Lambda's limit on a function's unpacked code.
const maxUnzippedBytes = 262144000

func (x *translator) cacheDir() string {
	if x.t.opts.CacheDir != "" {
		return x.t.opts.CacheDir
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "albatross", "import")
}

// inline writes Code.ZipFile / InlineCode where Lambda puts it: index.js for Node.js, index.py
// for Python (the only runtimes that accept inline code).
func (x *translator) inline(src, runtime string, p props, sub string) string {
	name := ""
	switch {
	case strings.HasPrefix(runtime, "nodejs"):
		name = "index.js"
	case strings.HasPrefix(runtime, "python"):
		name = "index.py"
	default:
		p.problem(sub, "inline code is for Node.js and Python runtimes only, not %q", runtime)
		return ""
	}
	sum := sha256.Sum256([]byte(runtime + "\x00" + src))
	dir := filepath.Join(x.cacheDir(), "inline", hex.EncodeToString(sum[:12]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.problem(sub, "cannot write inline code: %v", err)
		return ""
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
		p.problem(sub, "cannot write inline code: %v", err)
		return ""
	}
	return dir
}

// codeFrom finds an S3 code location in --values (by S3 URI, function name or logical id).
func (x *translator) codeFrom(r *resource, p props, sub, s3 string, fnName string) string {
	if dir, ok := x.t.opts.Code[r.id]; ok {
		return x.materialize(dir, p, sub)
	}
	keys := []string{}
	if s3 != "" {
		keys = append(keys, s3)
	}
	keys = append(keys, fnName, r.id)
	loc, err := x.t.opts.Values.Code(keys...)
	if err != nil {
		p.problem(sub, "%v", err)
		return ""
	}
	return x.materialize(loc, p, sub)
}

// materialize returns a folder for a local code location: the folder itself, or a zip
// unpacked once into the cache (by the zip's content hash). The location is watched.
func (x *translator) materialize(loc string, p props, sub string) string {
	abs, err := filepath.Abs(loc)
	if err != nil {
		p.problem(sub, "%v", err)
		return ""
	}
	st, err := os.Stat(abs)
	if err != nil {
		p.problem(sub, "code %s does not exist", abs)
		return ""
	}
	x.res.Watch = append(x.res.Watch, abs)
	if st.IsDir() {
		return abs
	}
	dir, err := unzipCached(abs, filepath.Join(x.cacheDir(), "zip"))
	if err != nil {
		p.problem(sub, "code %s: %v", abs, err)
		return ""
	}
	return dir
}

func unzipCached(zipPath, cache string) (string, error) {
	data, err := os.ReadFile(zipPath)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	dir := filepath.Join(cache, hex.EncodeToString(sum[:12]))
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir, nil
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return "", fmt.Errorf("not a zip file: %v", err)
	}
	defer zr.Close()
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(cache, ".unzip-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	var total int64
	for _, f := range zr.File {
		name := filepath.Clean(f.Name)
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
			return "", fmt.Errorf("entry %q leaves the folder", f.Name)
		}
		target := filepath.Join(tmp, name)
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return "", err
			}
			continue
		}
		if !f.Mode().IsRegular() {
			continue // symlinks and devices are not followed out of the folder
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return "", err
		}
		n, err := extract(f, target, maxUnzippedBytes-total)
		if err != nil {
			return "", err
		}
		total += n
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, ".complete")); statErr == nil {
			return dir, nil // another process unpacked the same zip first
		}
		return "", err
	}
	return dir, nil
}

func extract(f *zip.File, target string, budget int64) (int64, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	mode := os.FileMode(0o644)
	if f.Mode().Perm()&0o111 != 0 {
		mode = 0o755
	}
	out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, io.LimitReader(rc, budget+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > budget {
		err = fmt.Errorf("unpacked code exceeds Lambda's %d bytes", maxUnzippedBytes)
	}
	return n, err
}
