package terraform

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/albatross-lb/albatross/internal/importer/lambdacode"
	"github.com/zclconf/go-cty/cty"
)

// maxArchiveSource bounds what an archive_file reads: Lambda's unzipped package limit.
const maxArchiveSource = 250 << 20

// archive answers data "archive_file": instead of writing output_path it builds the folder the
// zip would unpack to (or uses source_dir as it is, so edits to it are live) and remembers it
// under output_path for the functions whose filename names that path. The output_* digests are
// digests of the content, not of a zip file: stable, but not the values Terraform computes.
func (ev *evaluator) archive(inst *instance) map[string]cty.Value {
	b := inst.body
	out := map[string]cty.Value{"id": cty.StringVal(inst.addr)}
	outputPath, ok := b.knownString("output_path")
	if !ok {
		ev.ps.add(b.rng, inst.addr+".output_path", "is required")
		return out
	}
	out["output_path"] = cty.StringVal(outputPath)
	if t, _ := b.knownString("type"); t != "zip" {
		ev.ps.add(b.rng, inst.addr+".type", "must be \"zip\", got %q", t)
		return out
	}
	files, folder, err := ev.archiveSources(b)
	if err != nil {
		ev.ps.add(b.rng, inst.addr, "%v", err)
		return out
	}
	if folder == "" {
		if folder, err = lambdacode.Build(files, ev.codeRoot()); err != nil {
			ev.ps.add(b.rng, inst.addr, "cannot build the archive's folder: %v", err)
			return out
		}
	}
	ev.archives[filepath.Clean(resolvePath(ev.root, outputPath))] = folder
	sums := map[string]func() hash.Hash{"sha": sha1.New, "sha256": sha256.New, "md5": md5.New, "sha512": sha512.New}
	size := 0
	for name, newHash := range sums {
		h := newHash()
		for _, f := range files {
			fmt.Fprintf(h, "%s\x00", f.Name)
			h.Write(f.Data)
			if name == "sha" {
				size += len(f.Data)
			}
		}
		out["output_"+name] = cty.StringVal(hex.EncodeToString(h.Sum(nil)))
		if name == "sha256" || name == "sha512" {
			out["output_base64"+name] = cty.StringVal(base64.StdEncoding.EncodeToString(h.Sum(nil)))
		}
	}
	out["output_size"] = cty.NumberIntVal(int64(size))
	return out
}

// archiveSources reads the archive's sources. folder is set when source_dir can be run as it
// is (no excludes).
func (ev *evaluator) archiveSources(b *block) (files []lambdacode.File, folder string, err error) {
	total := 0
	add := func(name string, mode os.FileMode, data []byte) error {
		if total += len(data); total > maxArchiveSource {
			return fmt.Errorf("sources are over Lambda's 250 MB unzipped limit")
		}
		files = append(files, lambdacode.File{Name: name, Mode: mode, Data: data})
		return nil
	}
	excludes := map[string]bool{}
	if a := b.attrs["excludes"]; a != nil && a.val.IsWhollyKnown() && !a.val.IsNull() && a.val.CanIterateElements() {
		for it := a.val.ElementIterator(); it.Next(); {
			if _, e := it.Element(); e.Type() == cty.String && !e.IsNull() {
				excludes[e.AsString()] = true
			}
		}
	}
	n := 0
	if dir, ok := b.knownString("source_dir"); ok {
		n++
		dir = resolvePath(ev.root, dir)
		if len(excludes) == 0 {
			ev.read(dir) // run in place: the function's own code watcher sees edits
		} else {
			ev.read(dir + watchTree) // a copy: an edit must build it again
		}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			rel = filepath.ToSlash(rel)
			if excluded(rel, excludes) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			data, err := readBounded(p)
			if err != nil {
				return err
			}
			return add(rel, info.Mode(), data)
		})
		if err != nil {
			return nil, "", fmt.Errorf("source_dir: %v", err)
		}
		if len(excludes) == 0 {
			folder = dir
		}
	}
	if file, ok := b.knownString("source_file"); ok {
		n++
		p := resolvePath(ev.root, file)
		ev.read(p)
		info, err := os.Stat(p)
		if err != nil {
			return nil, "", fmt.Errorf("source_file: %v", err)
		}
		data, err := readBounded(p)
		if err != nil {
			return nil, "", fmt.Errorf("source_file: %v", err)
		}
		if err := add(filepath.Base(p), info.Mode(), data); err != nil {
			return nil, "", err
		}
	}
	if content, ok := b.knownString("source_content"); ok {
		n++
		name, ok := b.knownString("source_content_filename")
		if !ok {
			return nil, "", fmt.Errorf("source_content needs source_content_filename")
		}
		if err := add(name, 0o644, []byte(content)); err != nil {
			return nil, "", err
		}
	}
	for _, src := range b.children("source") {
		n++
		content, ok1 := src.knownString("content")
		name, ok2 := src.knownString("filename")
		if !ok1 || !ok2 {
			return nil, "", fmt.Errorf("%s: content and filename are required", src.path)
		}
		if err := add(name, 0o644, []byte(content)); err != nil {
			return nil, "", err
		}
	}
	if n == 0 {
		return nil, "", fmt.Errorf("one of source_dir, source_file, source_content or source blocks is required")
	}
	return files, folder, nil
}

// excluded matches a relative path against the excludes, exactly or as a glob.
func excluded(rel string, excludes map[string]bool) bool {
	if excludes[rel] {
		return true
	}
	for pat := range excludes {
		if ok, _ := path.Match(pat, rel); ok {
			return true
		}
	}
	return false
}

// codeRoot is where function folders are unpacked and built.
func (ev *evaluator) codeRoot() string {
	if ev.opts.CodeDir != "" {
		return ev.opts.CodeDir
	}
	return lambdacode.DefaultRoot()
}
