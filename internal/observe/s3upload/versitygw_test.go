package s3upload

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestUploadToVersityGW puts an object into a real versitygw (posix backend) and reads the file
// it stored. It runs when $ALBATROSS_VERSITYGW names the versitygw binary (or one is on PATH),
// and is skipped otherwise.
func TestUploadToVersityGW(t *testing.T) {
	bin := os.Getenv("ALBATROSS_VERSITYGW")
	if bin == "" {
		bin, _ = exec.LookPath("versitygw")
	}
	if bin == "" {
		t.Skip("no versitygw (set ALBATROSS_VERSITYGW)")
	}
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "logs"), 0o755); err != nil { // a posix bucket is a directory
		t.Fatal(err)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gw := exec.CommandContext(ctx, bin, "--access", "test", "--secret", "testsecret", "--port", addr, "posix", "--nometa", root)
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = gw.Wait() }()
	waitListening(t, addr)

	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testsecret")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	u, err := New(context.Background(), "us-east-1", "http://"+addr)
	if err != nil {
		t.Fatal(err)
	}
	key := "p/AWSLogs/000000000000/elasticloadbalancing/us-east-1/2025/01/02/x.log.gz"
	gz := []byte("\x1f\x8b\x08 log bytes")
	if err := u.Upload(context.Background(), "logs", key, gz); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, "logs", filepath.FromSlash(key)))
	if err != nil || !bytes.Equal(got, gz) {
		t.Errorf("stored %q, %v; want %q", got, err, gz)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("versitygw did not listen on %s", addr)
}
