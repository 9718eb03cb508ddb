package runtimes

import (
	"fmt"
	"slices"
	"strconv"
)

// Debugger ports, each the tool's usual default, so that editors' stock attach configurations
// work: Node.js inspector 9229, debugpy 5678, Delve 2345.
const (
	NodeInspectPort = 9229
	DebugpyPort     = 5678
	DelvePort       = 2345
)

// DebugCommand wraps command, the command Command (or a Go build) gave for runtime, so that the
// function runs under its language's debugger listening on 127.0.0.1: `node --inspect`,
// `python -m debugpy --listen` (debugpy must be installed for that interpreter) or
// `dlv exec --headless` (Delve on PATH) for provided runtimes. The function starts right away
// (no wait for a debugger to attach), so Init behaves as usual; breakpoints hit once a debugger
// attached. See docs/functions.md "Debugging a function".
func DebugCommand(runtime string, command []string) ([]string, error) {
	if len(command) == 0 {
		return nil, fmt.Errorf("runtime %s: no command to debug", runtime)
	}
	// Interpreter commands are the interpreter, its flags, the bootstrap script and the handler
	// (interpreterCommand): the debugger's options go before the script.
	script := max(len(command)-2, 1)
	switch Family(runtime) {
	case FamilyNodeJS:
		return slices.Concat(command[:script], []string{"--inspect=127.0.0.1:" + strconv.Itoa(NodeInspectPort)}, command[script:]), nil
	case FamilyPython:
		return slices.Concat(command[:script], []string{"-m", "debugpy", "--listen", "127.0.0.1:" + strconv.Itoa(DebugpyPort)}, command[script:]), nil
	case FamilyProvided:
		args := []string{"dlv", "exec", "--headless", "--listen=127.0.0.1:" + strconv.Itoa(DelvePort), "--api-version=2",
			"--accept-multiclient", "--continue", command[0]}
		if len(command) > 1 {
			args = append(append(args, "--"), command[1:]...)
		}
		return args, nil
	}
	return nil, fmt.Errorf("runtime %q: %w", runtime, ErrUnsupportedRuntime)
}
