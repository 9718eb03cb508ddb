//go:build windows

// Albatross supervises function processes with POSIX process groups, signals and resource
// limits, which Windows lacks. On Windows, build and run Albatross inside WSL 2 (README,
// "Install"). The undefined name below is the one error a Windows build reports.
package process

var _ = Albatross_does_not_build_on_Windows__use_WSL_2
