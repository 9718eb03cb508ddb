package runtimes

import (
	"slices"
	"testing"
)

// TestDebugCommand: each runtime's command is wrapped by its debugger on the tool's usual port,
// the function's own arguments kept in order.
func TestDebugCommand(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, runtime string
		command, want []string
	}{
		{desc: "Node.js inspector", runtime: "nodejs22.x", command: []string{"/usr/bin/node", "/cache/bootstrap.js", "index.handler"},
			want: []string{"/usr/bin/node", "--inspect=127.0.0.1:9229", "/cache/bootstrap.js", "index.handler"}},
		{desc: "debugpy", runtime: "python3.12", command: []string{"/usr/bin/python3", "-B", "/cache/bootstrap.py", "app.handler"},
			want: []string{"/usr/bin/python3", "-B", "-m", "debugpy", "--listen", "127.0.0.1:5678", "/cache/bootstrap.py", "app.handler"}},
		{desc: "Delve for a Go bootstrap", runtime: "provided.al2023", command: []string{"/cache/go/fn/bootstrap"},
			want: []string{"dlv", "exec", "--headless", "--listen=127.0.0.1:2345", "--api-version=2", "--accept-multiclient", "--continue", "/cache/go/fn/bootstrap"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := DebugCommand(tc.runtime, tc.command)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("DebugCommand = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	// The wrapping fits the commands Command really gives.
	cmd, err := command(func(name string) (string, error) { return "/usr/bin/" + name, nil }, "nodejs20.x", "index.handler", "/code", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := DebugCommand("nodejs20.x", cmd)
	if err != nil || len(wrapped) != len(cmd)+1 || wrapped[1] != "--inspect=127.0.0.1:9229" || wrapped[len(wrapped)-1] != "index.handler" {
		t.Errorf("DebugCommand(%q) = %q, %v", cmd, wrapped, err)
	}
	if _, err := DebugCommand("java21", []string{"java"}); err == nil {
		t.Error("an unsupported runtime was wrapped")
	}
}
