package observe

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/albatross-lb/albatross/internal/testkit"
)

func baseHealthCheck() *HealthCheck {
	return &HealthCheck{Type: "http", Start: time.Date(2025, 10, 31, 12, 44, 59, 875678000, time.UTC), Latency: 19584011,
		Target: "172.31.20.97:80", TargetGroup: "HCLogsTestIPs", Pass: true, Answered: true, StatusCode: 200,
		LoadBalancer: testLB, NodeIP: "10.0.1.5"}
}

// healthOutcomes are one of each kind of health check result.
var healthOutcomes = []struct {
	desc string
	edit func(*HealthCheck)
}{
	{"HTTP check passed", func(*HealthCheck) {}},
	{"target answered 502: TargetError", func(h *HealthCheck) {
		h.Start, h.Latency, h.Target = time.Date(2025, 10, 31, 12, 44, 58, 901409000, time.UTC), 1121980746, "172.31.31.9:80"
		h.Pass, h.StatusCode, h.Reason = false, 502, HealthCheckTargetError
	}},
	{"target answered 404 outside the matcher: ResponseCodeMismatch", func(h *HealthCheck) {
		h.Pass, h.StatusCode, h.Reason = false, 404, HealthCheckResponseCodeMismatch
	}},
	{"no answer within the timeout: TimedOut, no status", func(h *HealthCheck) {
		h.Latency, h.Pass, h.Answered, h.Reason = 5*time.Second, false, false, HealthCheckTimedOut
	}},
	{"connection refused or reset: ConnectionReset", func(h *HealthCheck) {
		h.Latency, h.Pass, h.Answered, h.Reason = 300*time.Microsecond, false, false, HealthCheckConnectionReset
	}},
	{"HTTPS check over HTTP/2", func(h *HealthCheck) { h.Type, h.Target = "h2", "10.0.0.7:8443" }},
	{"gRPC check answered grpc-status 14: GRPCUnexpectedStatus", func(h *HealthCheck) {
		h.Type, h.Pass, h.StatusCode, h.Reason = "grpc", false, 14, HealthCheckGRPCUnexpectedStatus
	}},
	{"gRPC check answered grpc-status 0 (OK)", func(h *HealthCheck) { h.Type, h.StatusCode = "grpc", 0 }},
	{"Lambda check passed: the target is the function's ARN", func(h *HealthCheck) {
		h.Type, h.Target = "lambda", "arn:aws:lambda:us-east-1:000000000000:function:api"
	}},
}

// TestHealthCheckLogGolden pins one entry per kind of health check. Run with -update to rewrite
// testdata/healthlog.golden.
func TestHealthCheckLogGolden(t *testing.T) {
	var got bytes.Buffer
	for _, o := range healthOutcomes {
		h := baseHealthCheck()
		o.edit(h)
		got.WriteString("# " + o.desc + "\n")
		got.Write(AppendHealthCheckLog(nil, h))
	}
	path := filepath.Join("testdata", "healthlog.golden")
	testkit.Golden(t, *update, path, got.Bytes())
}

// TestHealthCheckLogMatchesAWSExamples: the two example entries of AWS's "Health check logs"
// page, made from the same facts, come out byte for byte in their first eight fields; ours go
// on with the documented elb and ip_address (the examples predate them).
func TestHealthCheckLogMatchesAWSExamples(t *testing.T) {
	t.Parallel()
	examples := []string{
		"http 2025-10-31T12:44:59.875678Z 0.019584011 172.31.20.97:80 HCLogsTestIPs PASS 200 -",
		"http 2025-10-31T12:44:58.901409Z 1.121980746 172.31.31.9:80 HCLogsTestIPs FAIL 502 TargetError",
	}
	for i, want := range examples {
		h := baseHealthCheck()
		healthOutcomes[i].edit(h)
		fields := strings.Fields(string(AppendHealthCheckLog(nil, h)))
		if len(fields) != 10 {
			t.Fatalf("%d fields: %v", len(fields), fields)
		}
		if got := strings.Join(fields[:8], " "); got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
		if fields[8] != testLB || fields[9] != "10.0.1.5" {
			t.Errorf("elb %q ip_address %q", fields[8], fields[9])
		}
	}
}

// TestHealthCheckLogFiles: entries go to health_check_log_ files beside the access log's, named
// as AWS names them, gzipped and uploaded at the period's end.
func TestHealthCheckLogFiles(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		up := &memUploader{objects: map[string][]byte{}}
		l := NewHealthCheckLog(HealthCheckLogOptions{Location: testLocation, Dir: dir, Uploader: up})
		for i := range 2 {
			h := baseHealthCheck()
			h.LoadBalancer, h.NodeIP = "", ""
			h.Start = time.Now().Add(time.Duration(i) * time.Second)
			l.Observe(h)
		}
		time.Sleep(DefaultLogInterval)
		synctest.Wait()
		if err := l.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		files := gzFiles(t, dir)
		if len(files) != 1 || len(up.objects) != 1 {
			t.Fatalf("files %v, uploads %d; want 1 and 1", files, len(up.objects))
		}
		if name := filepath.Base(files[0]); !strings.HasPrefix(name, "health_check_log_000000000000_elasticloadbalancing_us-east-1_app.web.") {
			t.Errorf("file name %s", name)
		}
		body := gunzip(t, files[0])
		if strings.Count(body, " HCLogsTestIPs PASS 200 - "+testLocation.LoadBalancer+" ") != 2 {
			t.Errorf("file:\n%s", body)
		}
		if l.Dropped() != 0 {
			t.Errorf("dropped %d", l.Dropped())
		}
	})
}
