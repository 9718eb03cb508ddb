package runtimes

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// scenario is one runtime process fed a few invocations; its reports are compared with the
// golden file testdata/golden/<golden>.json.
type scenario struct {
	desc        string
	handler     string
	invocations []invocation
	reports     int // reports expected; 0 means one per invocation
	exitCode    int // when non-zero, the runtime must exit by itself with this status
	golden      string
}

// runScenarios runs each scenario against its own fake Runtime API.
func runScenarios(t *testing.T, runtime, interpreter, taskRoot string, testCases []scenario) {
	t.Helper()
	if _, err := exec.LookPath(interpreter); err != nil {
		t.Skipf("%s is not on PATH: %v", interpreter, err)
	}
	root, err := filepath.Abs(taskRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t, tc.invocations...)
			proc := startRuntime(t, api, runtime, tc.handler, root)
			want := tc.reports
			if want == 0 {
				want = len(tc.invocations)
			}
			got := api.collect(t, want)
			if tc.exitCode != 0 {
				if code := proc.waitExit(t); code != tc.exitCode {
					t.Errorf("exit status = %d, want %d", code, tc.exitCode)
				}
			} else if n := api.conns.Load(); n != 1 {
				t.Errorf("runtime opened %d connections to the Runtime API, want 1 (keep-alive)", n)
			}
			checkGolden(t, tc.golden, root, got)
		})
	}
}
