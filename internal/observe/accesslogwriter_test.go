package observe

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// memUploader records uploads.
type memUploader struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func (u *memUploader) Upload(_ context.Context, bucket, key string, gz []byte) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.objects[bucket+"/"+key] = gz
	return nil
}

var testLocation = LogLocation{Bucket: "logs", Prefix: "prod", AccountID: "000000000000", Region: "us-east-1", LoadBalancer: testLB}

// TestLogKey: the object key layout of LOG-01, and conn_log. for connection logs (CLOG-01).
func TestLogKey(t *testing.T) {
	t.Parallel()
	end := time.Date(2025, 1, 2, 3, 10, 0, 0, time.UTC)
	want := "prod/AWSLogs/000000000000/elasticloadbalancing/us-east-1/2025/01/02/" +
		"000000000000_elasticloadbalancing_us-east-1_app.web.50dc6c495c0c9188_20250102T0310Z_127.0.0.1_abcd1234.log.gz"
	if got := testLocation.Key(end, "abcd1234"); got != want {
		t.Errorf("Key = %s\nwant  %s", got, want)
	}
	noPrefix := testLocation
	noPrefix.Prefix = ""
	if got := noPrefix.ConnectionKey(end, "r"); !strings.HasPrefix(got, "AWSLogs/") || !strings.Contains(got, "/02/conn_log.000000000000_") {
		t.Errorf("ConnectionKey = %s", got)
	}
	if got := periodEnd(time.Date(2025, 1, 2, 3, 9, 59, 0, time.UTC), DefaultLogInterval); !got.Equal(end) {
		t.Errorf("periodEnd = %v", got)
	}
}

// TestAccessLogRotation: entries of one period go to one file, which is gzipped to its AWS name
// and uploaded when the period ends (LOG-01); an entry of the next period starts another file;
// Close finishes the last one.
func TestAccessLogRotation(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		up := &memUploader{objects: map[string][]byte{}}
		l := NewAccessLog(AccessLogOptions{Location: testLocation, Dir: dir, Uploader: up})
		start := time.Now()
		for i := range 3 {
			ex := base()
			ex.Finished, ex.Status = start.Add(time.Duration(i)*time.Second), 200+i
			l.Observe(ex)
		}
		synctest.Wait()
		if n := len(gzFiles(t, dir)); n != 0 {
			t.Fatalf("%d finished files before the period ended", n)
		}
		time.Sleep(DefaultLogInterval)
		synctest.Wait()
		ex := base()
		ex.Finished, ex.Status = time.Now(), 404
		l.Observe(ex)
		if err := l.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		files := gzFiles(t, dir)
		if len(files) != 2 || len(up.objects) != 2 {
			t.Fatalf("files %v, uploads %d; want 2 and 2", files, len(up.objects))
		}
		first := gunzip(t, files[0])
		if strings.Count(first, "\n") != 3 || !strings.Contains(first, " 200 - ") || !strings.Contains(first, " 202 - ") {
			t.Errorf("first file:\n%s", first)
		}
		rel, _ := filepath.Rel(filepath.Join(dir, "logs"), files[0])
		if obj, ok := up.objects["logs/"+filepath.ToSlash(rel)]; !ok || !bytes.Equal(obj, mustRead(t, files[0])) {
			t.Errorf("upload of %s missing or different; uploads %v", rel, keys(up.objects))
		}
		if second := gunzip(t, files[1]); strings.Count(second, "\n") != 1 || !strings.Contains(second, " 404 - ") {
			t.Errorf("second file:\n%s", second)
		}
	})
}

// TestAccessLogEarlyNextPeriod: an entry of the next period that arrives before the old
// period's timer fires starts the next file, and that timer then does not finish the new file
// early: each period still makes exactly one file.
func TestAccessLogEarlyNextPeriod(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		l := NewAccessLog(AccessLogOptions{Location: testLocation, Dir: dir})
		start := time.Now()
		end := periodEnd(start, DefaultLogInterval)
		for i, at := range []time.Time{start, end} { // the second belongs to the next period
			ex := base()
			ex.Finished, ex.Status = at, 200+i
			l.Observe(ex)
		}
		synctest.Wait()
		time.Sleep(time.Until(end) + time.Second) // the first period's end passes
		synctest.Wait()
		ex := base()
		ex.Finished, ex.Status = time.Now(), 404
		l.Observe(ex)
		if err := l.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		files := gzFiles(t, dir)
		if len(files) != 2 {
			t.Fatalf("files %v; want one per period", files)
		}
		if second := gunzip(t, files[1]); strings.Count(second, "\n") != 2 || !strings.Contains(second, " 201 - ") || !strings.Contains(second, " 404 - ") {
			t.Errorf("second file:\n%s", second)
		}
	})
}

// TestAccessLogDropsWhenFull: Observe never blocks; what does not fit is counted.
func TestAccessLogDropsWhenFull(t *testing.T) {
	t.Parallel()
	l := &AccessLog{w: &rotatingLog[*Exchange]{entries: make(chan *Exchange, 2)}} // no writer: the buffer only fills
	for range 5 {
		l.Observe(base())
	}
	if l.Dropped() != 3 {
		t.Errorf("dropped %d, want 3", l.Dropped())
	}
}

func gzFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".log.gz") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func gunzip(t *testing.T, path string) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(mustRead(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestAccessLogKeepsNoReference: the router reuses an exchange once Observe returns, so the
// line written later must be the exchange as Observe saw it, actions included.
func TestAccessLogKeepsNoReference(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		l := NewAccessLog(AccessLogOptions{Location: testLocation, Dir: dir})
		var actions [2]string
		ex := base()
		ex.Finished, ex.Status = time.Now(), 201
		ex.ActionsExecuted = append(actions[:0], "forward")
		l.Observe(ex)
		// The next request's record, in the same memory, before the writer ran.
		*ex = *base()
		ex.Finished, ex.Status = time.Now(), 503
		ex.ActionsExecuted = append(actions[:0], "fixed-response")
		if err := l.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		files := gzFiles(t, dir)
		if len(files) != 1 {
			t.Fatalf("files %v", files)
		}
		line := gunzip(t, files[0])
		if !strings.Contains(line, " 201 - ") || !strings.Contains(line, `"forward"`) || strings.Contains(line, "fixed-response") {
			t.Errorf("logged %q; want the exchange as observed (201, forward)", line)
		}
	})
}
