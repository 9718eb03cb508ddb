package runtimeapi

import (
	"flag"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/albatross-lb/albatross/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares the wire form of r (status, Content-Type, body) with testdata/name.golden.
func checkGolden(t *testing.T, name string, r reply) {
	t.Helper()
	got := fmt.Sprintf("%d\nContent-Type: %s\n%s\n", r.status, r.header.Get("Content-Type"), r.body)
	testkit.Golden(t, *update, filepath.Join("testdata", name+".golden"), []byte(got))
}
