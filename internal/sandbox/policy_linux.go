package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/landlock-lsm/go-landlock/landlock"
	ll "github.com/landlock-lsm/go-landlock/landlock/syscall"

	"github.com/albatross-lb/albatross/internal/sandbox/launcher"
)

// config is what the rulesets restrict: every file system right the library knows, downgraded
// to what the kernel knows (best effort), and signals to processes outside the function's own
// domain (ABI 6), so that a function cannot signal albatross or another environment. Networking
// is not restricted: runtimes reach their Runtime API over TCP, and functions reach what they
// reach on Lambda.
var config = landlock.Config{
	HandledAccessFS: landlock.V11.HandledAccessFS,
	Scoped:          landlock.ScopedSet(ll.ScopeSignal),
}.BestEffort()

// The rights granted beside the hidden paths: all of them (today's behaviour, writes included),
// the file subset for entries that are not folders (the kernel refuses folder rights on them).
// Inside the hidden paths, the exposed code gets read and execute only, like Lambda's
// read-only /var/task.
const (
	fileRights    = ll.AccessFSExecute | ll.AccessFSWriteFile | ll.AccessFSReadFile | ll.AccessFSTruncate | ll.AccessFSIoctlDev
	readFileRight = ll.AccessFSExecute | ll.AccessFSReadFile
	readDirRights = ll.AccessFSExecute | ll.AccessFSReadFile | ll.AccessFSReadDir
)

// policy is what HideFromFunctions set: the real paths to hide, none inside another, and the
// rulesets built so far.
type policy struct {
	hidden []string

	mu    sync.Mutex
	cache map[string]*builtRuleset // by the exposed paths, joined
}

// builtRuleset is a ruleset kept for reuse: one ruleset can confine any number of processes.
type builtRuleset struct {
	file  *os.File
	flags uint32
	dirs  map[string]time.Time // every folder on the way to a hidden path: its mtime when listed
}

// cachedRuleset returns the ruleset for exposed, built again only when a folder on the way to a
// hidden path changed since (an entry was added, removed or renamed: its mtime moved), so that
// a start costs a few stats instead of a rule per sibling (thousands in a busy /tmp, tens of
// milliseconds). A folder changed within the last second is not trusted to show a later change
// in its mtime (coarse timestamps), so such a ruleset is not kept: kept is false, and the
// caller closes it after the start. Rulesets dropped from the cache are closed by the garbage
// collector once no start uses them.
func (p *policy) cachedRuleset(exposed []string) (f *os.File, flags uint32, kept bool, err error) {
	key := strings.Join(exposed, "\x00")
	p.mu.Lock()
	defer p.mu.Unlock()
	if b := p.cache[key]; b != nil && unchanged(b.dirs) {
		return b.file, b.flags, true, nil
	}
	dirs := p.dirTimes()
	f, flags, err = p.ruleset(exposed)
	if err != nil || f == nil {
		return f, flags, false, err
	}
	b := &builtRuleset{file: f, flags: flags, dirs: dirs}
	if len(p.cache) >= maxCachedRulesets {
		clear(p.cache)
	}
	if p.cache == nil {
		p.cache = map[string]*builtRuleset{}
	}
	if !settled(dirs) {
		delete(p.cache, key)
		return f, flags, false, nil
	}
	p.cache[key] = b
	return f, flags, true, nil
}

// maxCachedRulesets bounds the cache: one entry per function and code version in use.
const maxCachedRulesets = 256

// dirTimes reads the mtime of every folder on the way to a hidden path.
func (p *policy) dirTimes() map[string]time.Time {
	out := map[string]time.Time{}
	for dir := range p.onTheWay() {
		if fi, err := os.Stat(dir); err == nil {
			out[dir] = fi.ModTime()
		}
	}
	return out
}

func unchanged(dirs map[string]time.Time) bool {
	for dir, mtime := range dirs {
		fi, err := os.Stat(dir)
		if err != nil || !fi.ModTime().Equal(mtime) {
			return false
		}
	}
	return true
}

func settled(dirs map[string]time.Time) bool {
	for _, mtime := range dirs {
		if time.Since(mtime) < time.Second {
			return false
		}
	}
	return true
}

// onTheWay is every folder above a hidden path.
func (p *policy) onTheWay() map[string]bool {
	out := map[string]bool{}
	for _, h := range p.hidden {
		for dir := filepath.Dir(h); ; dir = filepath.Dir(dir) {
			out[dir] = true
			if dir == "/" {
				break
			}
		}
	}
	return out
}

var active atomic.Pointer[policy]

// HideFromFunctions makes every process that Wrap prepares unable to open, execute, list,
// create, remove or rename anything at or below paths (folders or files: the data dir, a
// credentials file), symbolic links resolved, except what Wrap exposes. It returns the Landlock
// ABI version in force, 0 when the kernel offers no Landlock (then nothing is hidden and
// processes start as before). A path that does not exist is skipped. No paths turns the
// hiding off. It refuses to hide "/" and fails when a folder on the way to a path cannot be
// listed (its entries could not be allowed one by one); nothing is hidden then either.
func HideFromFunctions(paths ...string) (abi int, err error) {
	active.Store(nil)
	p, err := newPolicy(paths)
	if err != nil || len(p.hidden) == 0 {
		return 0, err
	}
	abi, err = ll.LandlockGetABIVersion()
	if err != nil || abi < 1 {
		return 0, nil
	}
	// A trial ruleset: an error shows now, at start, not at the first function.
	f, _, err := p.ruleset(nil)
	if err != nil || f == nil {
		return 0, err
	}
	_ = f.Close()
	active.Store(p)
	return abi, nil
}

func newPolicy(paths []string) (*policy, error) {
	var hidden []string
	for _, path := range paths {
		real, err := realPath(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if real == "/" {
			return nil, fmt.Errorf("sandbox: cannot hide %s: it is the root of the file system", path)
		}
		hidden = append(hidden, real)
	}
	slices.Sort(hidden)
	hidden = slices.Compact(hidden)
	// A path inside another hidden one is hidden with it.
	hidden = slices.DeleteFunc(hidden, func(h string) bool {
		return slices.ContainsFunc(hidden, func(o string) bool { return o != h && within(h, o) })
	})
	return &policy{hidden: hidden}, nil
}

// realPath is path made absolute with every symbolic link resolved: Landlock decides by the
// file a path leads to, so the walls are built around real paths.
func realPath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// within reports whether path is dir or lies below it.
func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+"/") || dir == "/"
}

// ruleset builds a Landlock ruleset that allows everything but the hidden paths, plus exposed
// inside them, read-only. Landlock only allows (a rule grants rights to a file hierarchy), so
// a hidden path is cut out by allowing, at every level from "/" down to it, every entry but the
// one on the way: for /root/.cache/albatross, every entry of / but root, every entry of /root
// but .cache, every entry of /root/.cache but albatross. The folders on the way themselves get
// no rule: they can be passed through but not listed, and nothing can be created in them.
//
// Symbolic links among the entries get no rule: opening one is decided by where it leads, so a
// link into the data dir stays closed, and a link elsewhere is open through its target's rule.
// Entries made after the ruleset was built are not reachable: see cachedRuleset for when it is
// built again. It returns a nil file when the kernel cannot enforce it (best effort).
//
// Between the listing and the rule, an entry could be swapped for a link into the data dir only
// by renaming in a folder on the way, which no sandboxed process may do; any other process of
// albatross's user can read the data dir anyway.
func (p *policy) ruleset(exposed []string) (*os.File, uint32, error) {
	onTheWay := p.onTheWay()
	var dirs, files []string
	for _, dir := range slices.Sorted(maps.Keys(onTheWay)) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, 0, fmt.Errorf("sandbox: listing %s, a folder on the way to %s: %w", dir, strings.Join(p.hidden, ", "), err)
		}
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			if onTheWay[path] || slices.Contains(p.hidden, path) {
				continue
			}
			switch {
			case e.Type()&fs.ModeSymlink != 0:
			case e.IsDir():
				dirs = append(dirs, path)
			default:
				files = append(files, path)
			}
		}
	}
	rules := []landlock.Rule{
		// A missing entry was removed since the listing: nothing to allow.
		landlock.PathAccess(config.HandledAccessFS, dirs...).IgnoreIfMissing(),
		landlock.PathAccess(fileRights, files...).IgnoreIfMissing(),
	}
	for _, x := range exposed {
		if x == "" {
			continue // an unset working directory is albatross's own, not the function's
		}
		real, err := realPath(x)
		if err != nil || !slices.ContainsFunc(p.hidden, func(h string) bool { return within(real, h) }) {
			continue // gone, or outside what is hidden: allowed already
		}
		fi, err := os.Stat(real)
		if err != nil {
			continue
		}
		rights := landlock.AccessFSSet(readFileRight)
		if fi.IsDir() {
			rights = readDirRights
		}
		rules = append(rules, landlock.PathAccess(rights, real))
	}
	fd, flags, err := config.NewRulesetFD(rules...)
	if err != nil {
		return nil, 0, fmt.Errorf("sandbox: %w", err)
	}
	if fd < 0 {
		return nil, 0, nil
	}
	return os.NewFile(uintptr(fd), "landlock-ruleset"), flags, nil
}

func wrap(cmd *exec.Cmd, exposed []string) (func(), error) {
	p := active.Load()
	if p == nil || cmd.Err != nil {
		return func() {}, nil // cmd.Start reports cmd.Err
	}
	// exec.Command resolved the program; a launcher would only find out it cannot run it after
	// the start, so a missing or non-executable program is reported now, as Start would.
	if _, err := exec.LookPath(cmd.Path); err != nil {
		return nil, err
	}
	f, flags, kept, err := p.cachedRuleset(exposed)
	if err != nil || f == nil {
		return func() {}, err
	}
	// /proc/self/exe, not os.Executable's path: the running binary even after an upgrade
	// replaced the file, so launcher and albatross always speak the same protocol.
	cmd.Args = append([]string{launcher.Name, strconv.FormatUint(uint64(flags), 10), cmd.Path}, cmd.Args...)
	cmd.Path = "/proc/self/exe"
	cmd.ExtraFiles = append([]*os.File{f}, cmd.ExtraFiles...)
	if kept {
		return func() {}, nil
	}
	return func() { _ = f.Close() }, nil
}
