package lambdacode

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// Select copies the named files of dir (slash-separated, relative) into a content-addressed
// folder under root and returns it: the folder a package of just those files unpacks to. The
// files are streamed twice (to hash them, then to copy them), never held in memory, and their
// total size is bounded by Lambda's unzipped limit.
func Select(dir string, names []string, root string) (string, error) {
	names = slices.Clone(names)
	slices.Sort(names)
	names = slices.Compact(names)
	h := sha256.New()
	var total int64
	for _, name := range names {
		if !localName(name) {
			return "", fmt.Errorf("file name %q leaves the package", name)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		st, err := os.Stat(p)
		if err != nil {
			return "", err
		}
		if !st.Mode().IsRegular() {
			return "", fmt.Errorf("%s is not a regular file", name)
		}
		if total += st.Size(); total > maxUnzipped {
			return "", errors.New("the files are over Lambda's 250 MB unzipped limit")
		}
		fmt.Fprintf(h, "%s\x00%o\x00%d\x00", name, st.Mode().Perm(), st.Size())
		if err := hashFile(h, p, st.Size()); err != nil {
			return "", err
		}
	}
	return materialise(root, "selected-"+hex.EncodeToString(h.Sum(nil)[:12]), func(out string) error {
		for _, name := range names {
			if err := copyFile(filepath.Join(dir, filepath.FromSlash(name)), filepath.Join(out, filepath.FromSlash(name))); err != nil {
				return err
			}
		}
		return nil
	})
}

// hashFile writes exactly size bytes of the file to w: a file that changed size since it was
// measured is an error, so the hash always covers what the name promised.
func hashFile(w io.Writer, p string, size int64) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(w, io.LimitReader(f, size+1))
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("%s changed while it was read", p)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	perm := st.Mode().Perm() | 0o644
	if st.Mode().Perm()&0o111 != 0 {
		perm |= 0o755
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, io.LimitReader(in, maxUnzipped)); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
