package reconcile

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/shift"
)

func shiftConfig(oldPort, newPort int) *config.Config {
	w := func(n int) *int { return &n }
	return &config.Config{
		LoadBalancers: []config.LoadBalancer{{Name: "web", Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1",
			DefaultActions: []config.Action{{Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "404"}}},
			Rules: []config.Rule{{Priority: 20, Conditions: []config.Condition{{Field: config.FieldPathPattern, Values: []string{"/api/*"}}},
				Actions: []config.Action{{Type: config.ActionForward, ForwardConfig: &config.ForwardConfig{TargetGroups: []config.TargetGroupTuple{
					{TargetGroupName: "monolith", Weight: w(100)}, {TargetGroupName: "fn", Weight: w(0)}}}}},
				AlbatrossAttributes: map[string]string{config.AttrShiftTargetGroup: "fn", config.AttrShiftSteps: "0,25,50,100",
					config.AttrShiftIntervalSeconds: "60", config.AttrShiftMinRequests: "10", config.AttrShiftMax5XXPercent: "10",
					config.AttrShiftMaxP99Ratio: "100", config.AttrShiftOnFailure: "zero"}}}}}}},
		TargetGroups: []config.TargetGroup{
			{Name: "monolith", Port: oldPort, Targets: []config.Target{{ID: "127.0.0.1"}}},
			{Name: "fn", Port: newPort, Targets: []config.Target{{ID: "127.0.0.1"}}},
		},
	}
}

// A shift under load: it advances while the new group is healthy, rolls back to 0 when the new
// group starts failing, and no client request fails but those the new group answered before the
// gate judged; the state survives a restart of the data plane.
func TestShiftUnderLoad(t *testing.T) {
	var failing atomic.Bool
	port := func(h http.HandlerFunc) int {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		_, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
		n, _ := strconv.Atoi(p)
		return n
	}
	oldPort := port(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "old") })
	newPort := port(func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() && r.URL.Path != "/" { // health checks stay green: only answers fail
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, "new")
	})
	shiftDir := filepath.Join(t.TempDir(), "shift")
	dp := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache"), DrainTimeout: 5 * time.Second, ShiftDir: shiftDir, ShiftTick: -1})
	ctx := context.Background()
	cfg := shiftConfig(oldPort, newPort)
	if err := dp.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	var addr string
	for _, a := range dp.Addrs() {
		addr = a.String()
	}

	// Load: four clients until stopped, counting failed answers.
	var failed, served atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}, Timeout: 20 * time.Second}
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := c.Get("http://" + addr + "/api/events")
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				served.Add(1)
				if resp.StatusCode != 200 {
					failed.Add(1)
				}
			}
		})
	}
	ctrl := func() *shift.Controller { return dp.shifts.controllers()[0] }
	waitNew := func(n uint64, fives bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			req, e5, _ := ctrl().New.Reading()
			if req >= n && (!fives || e5 >= n) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the new group got %d requests (%d 5XX), want %d", req, e5, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	now := time.Now()
	tick := func() shift.Status {
		now = now.Add(time.Minute)
		dp.shifts.tick(context.Background(), now)
		return ctrl().Status()
	}
	if s := tick(); s.Percent != 25 || s.Status != shift.Running {
		t.Fatalf("step 0 did not advance: %+v", s)
	}
	waitNew(10, false)
	if s := tick(); s.Percent != 50 || s.Status != shift.Running {
		t.Fatalf("a healthy step did not advance: %+v", s)
	}
	if failed.Load() != 0 {
		t.Fatalf("%d client requests failed while the new group was healthy", failed.Load())
	}
	failing.Store(true)
	waitNew(10, true)
	if s := tick(); s.Percent != 0 || s.Status != shift.RolledBack {
		t.Fatalf("a failing step did not roll back: %+v", s)
	}
	// From now on no request reaches the new group: the failures stop where the gate judged.
	failedAtRollback := failed.Load()
	servedAtRollback := served.Load()
	for served.Load() < servedAtRollback+40 {
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	// In flight at the rollback: at most one request per client still went to the new group.
	if f := failed.Load(); f > failedAtRollback+4 {
		t.Fatalf("%d failures after the rollback (of %d)", f-failedAtRollback, f)
	}
	if err := dp.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// A restarted data plane resumes the rolled back shift from its store.
	again := New(Options{CacheDir: filepath.Join(t.TempDir(), "cache"), DrainTimeout: 5 * time.Second, ShiftDir: shiftDir, ShiftTick: -1})
	if err := again.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	defer again.Close(ctx)
	st := again.ShiftStatuses()
	if len(st) != 1 || st[0].Status != shift.RolledBack || st[0].Percent != 0 || st[0].Weights != [2]int{100, 0} {
		t.Fatalf("after restart: %+v", st)
	}
	if _, err := again.ShiftCommand(st[0].Rule, "resume"); err != nil {
		t.Fatal(err)
	}
}
