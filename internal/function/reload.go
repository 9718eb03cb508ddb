package function

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/albatross-lb/albatross/internal/function/watch"
	"github.com/albatross-lb/albatross/internal/observe"
)

// CodeWatch turns on the developer loop for a function (docs/functions.md "The developer
// loop"): when its sources change, the next invocation runs the new code.
type CodeWatch struct {
	// Dirs returns the directories whose changes mean new code: the code folder, and for a Go
	// build the module's package directories the build depends on. It is called at start and
	// after each successful Rebuild (the set grows as imports do). Required.
	Dirs func(ctx context.Context) ([]string, error)
	// Rebuild, when set, makes changed sources runnable and returns the command to run (a Go
	// build). It runs while the old code keeps serving; when it fails, the old code stays and
	// the error is logged and kept (Function.BuildError). Nil means interpreted code: a new
	// process reads the files itself.
	Rebuild func(ctx context.Context) ([]string, error)
	// Debounce is the quiet period after the last change before reloading; 0 means
	// watch.DefaultDebounce.
	Debounce time.Duration
}

// BuildError returns the error of the latest rebuild when it failed (the previous code is still
// serving), or nil.
func (f *Function) BuildError() error {
	if p := f.buildErr.Load(); p != nil {
		return *p
	}
	return nil
}

// watchCode runs the developer loop until ctx ends. It is started by New when Spec.Watch is
// set and owned by the Function (Close stops it).
func (f *Function) watchCode(ctx context.Context, w *CodeWatch) {
	log := f.spec.Logger.With("function", f.spec.Name)
	dirs, err := w.Dirs(ctx)
	if err != nil {
		log.Warn("watching the function's code: listing its sources failed; watching the code folder only", "error", err)
		dirs = []string{f.spec.TaskRoot}
	}
	tree, err := watch.New(dirs)
	if err != nil {
		log.Warn("watching the function's code failed; code changes need a restart", "error", err)
		return
	}
	log.Debug("watching the function's code", "dirs", dirs)
	tree.Run(ctx, w.Debounce, func() { f.reloadGuarded(ctx, tree, w) })
}

// reloadGuarded is one reload that cannot end the watch: a panic (in Rebuild, say) is reported,
// the previous code keeps serving, and the next change reloads again.
func (f *Function) reloadGuarded(ctx context.Context, tree *watch.Tree, w *CodeWatch) {
	defer func() {
		if v := recover(); v != nil {
			observe.Panicked(ctx, f.spec.Logger, "function_reload", v, slog.String("function", f.spec.Name))
		}
	}()
	f.reload(ctx, tree, w)
}

// reload swaps in the new code: rebuild if there is a build, then renew the pool, so that
// warm environments finish their invocation on the old code and every later invocation starts
// on the new.
func (f *Function) reload(ctx context.Context, tree *watch.Tree, w *CodeWatch) {
	log := f.spec.Logger.With("function", f.spec.Name)
	began := time.Now()
	if w.Rebuild != nil {
		command, err := w.Rebuild(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			f.buildErr.Store(&err)
			log.Error("function build failed; the previous code keeps serving", "error", err)
			return
		}
		f.buildErr.Store(nil)
		if dirs, err := w.Dirs(ctx); err == nil {
			_ = tree.Watch(dirs)
		}
		current := f.code.Load()
		if slices.Equal(current.Command, command) {
			log.Debug("function sources changed but the build did not")
			return
		}
		next := *current
		next.Command = command
		f.code.Store(&next)
	}
	f.pool.renew()
	log.Info("function code changed; new invocations run the new code", "took", time.Since(began).Round(time.Millisecond))
}
