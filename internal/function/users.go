package function

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/albatross-lb/albatross/internal/process"
)

// UIDRange is process.UIDRange, for packages that configure functions without starting
// processes themselves.
type UIDRange = process.UIDRange

// NewUIDRange is process.NewUIDRange.
func NewUIDRange(first, last uint32) (*UIDRange, error) { return process.NewUIDRange(first, last) }

// acquireUser gives an environment its own uid when Spec.Users is set (nil otherwise), after
// checking that the uid can reach everything the environment runs: a folder it cannot search
// would fail the runtime in ways far from the cause, so the cold start fails here instead,
// naming the folder.
func (s *Spec) acquireUser() (*process.User, error) {
	if s.Users == nil {
		return nil, nil
	}
	u, err := s.Users.Acquire()
	if err != nil {
		return nil, spawnFailure(s.Command[0], err)
	}
	for _, path := range s.codePaths() {
		if err := process.CheckReachable(u, path); err != nil {
			s.Users.Release(u)
			return nil, spawnFailure(s.Command[0], fmt.Errorf("the function's user cannot reach its code: %w; make the folder readable by other users", err))
		}
	}
	return &u, nil
}

// releaseUser gives the uid back once every process of the environment is gone.
func (s *Spec) releaseUser(u *process.User) {
	if u != nil {
		s.Users.Release(*u)
	}
}

// codePaths are the files and folders an environment reads: the task root, the runtime folder,
// the program (looked up in PATH as exec does) and any absolute path among its arguments (a
// shipped bootstrap script).
func (s *Spec) codePaths() []string {
	paths := []string{s.TaskRoot}
	if s.RuntimeDir != "" {
		paths = append(paths, s.RuntimeDir)
	}
	if program, err := exec.LookPath(s.Command[0]); err == nil {
		paths = append(paths, program)
	}
	for _, arg := range s.Command[1:] {
		if _, err := os.Stat(arg); err == nil && filepath.IsAbs(arg) {
			paths = append(paths, arg)
		}
	}
	return paths
}
