package observe

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLogFilesStayInTheirFolder: whatever bucket and prefix reach the writer, its files are
// created below its folder or not at all (docs/security.md): the attack is a prefix or bucket
// such as ../../x set through ModifyLoadBalancerAttributes.
func TestLogFilesStayInTheirFolder(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, bucket, prefix string
		inside               bool
	}{
		{"plain", "logs", "prod", true},
		{"no bucket", "", "p", true},
		{"prefix climbing out", "logs", "../../../escape", false},
		{"prefix climbing out after a folder", "logs", "a/../../../../escape", false},
		{"bucket climbing out", "..", "", false},
		{"bucket with a separator", "a/../../escape", "", false},
		{"absolute prefix stays inside", "logs", "/tmp/escape", true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			top := t.TempDir()
			dir := filepath.Join(top, "a", "b", "access-logs")
			loc := testLocation
			loc.Bucket, loc.Prefix = tc.bucket, tc.prefix
			l := NewAccessLog(AccessLogOptions{Location: loc, Dir: dir})
			ex := base()
			ex.Finished = time.Now()
			l.Observe(ex)
			if err := l.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			var inside, outside int
			_ = filepath.Walk(top, func(p string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() {
					if strings.HasPrefix(p, dir+string(filepath.Separator)) {
						inside++
					} else {
						outside++
						t.Errorf("file written outside the log folder: %s", p)
					}
				}
				return nil
			})
			if tc.inside && inside != 1 {
				t.Errorf("%d files in the log folder; want 1", inside)
			}
			if !tc.inside && inside+outside != 0 {
				t.Errorf("%d files written; want none", inside+outside)
			}
		})
	}
}
