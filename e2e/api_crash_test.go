package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// writeLog records the API writes of one round: those acknowledged, and the code version whose
// update was in flight when the process died (it may or may not have been applied).
type writeLog struct {
	mu            sync.Mutex
	targetGroups  []string
	code          string // last acknowledged code version
	codeInFlight  string
	writesInRound int
}

// TestAPIKillDuringWrites kills `serve` with SIGKILL in a loop while a client writes through the
// API (target groups, function code), restarts it on the same data dir each time, and checks
// that every acknowledged write is there, the function runs acknowledged code, and no function
// process outlives the killed server; before the last restart the code folders are torn, and the
// function still runs its code, unpacked again from the kept zip (issue 11, point 8).
func TestAPIKillDuringWrites(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	t.Cleanup(func() { killProcessesUnder(dataDir) })
	log := &writeLog{code: "v0"}
	const rounds = 2
	for round := range rounds + 1 {
		api := startWithAPI(t, "", dataDir)
		lc, ec := api.lambdaClient("test", "test"), api.elbClient("test", "test")
		if round == 0 {
			createPyFunction(t, lc, "durable", "v0")
			need(lc.CreateFunction(context.Background(), &lambda.CreateFunctionInput{FunctionName: aws.String("sleeper"), Timeout: aws.Int32(120),
				Runtime: lambdatypes.RuntimePython312, Handler: aws.String("app.handler"), Role: aws.String("arn:aws:iam::000000000000:role/x"),
				Code: &lambdatypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"app.py": sleeperFunction})}}))
		}
		checkAcknowledged(t, ec, lc, log)
		if round == rounds {
			api.waitLog("function code folder was torn; unpacked it again", 1)
			return
		}
		// A function busy in an invocation when albatross dies does not notice on its own that
		// its Runtime API is gone: only a parent-death signal stops it.
		go func() {
			_, _ = lc.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("sleeper"), Payload: []byte(`{}`)})
		}()
		api.waitLog("sleeping", 1)
		done := make(chan struct{})
		go func() {
			defer close(done)
			writeUntilKilled(t, ec, lc, round, log)
		}()
		time.Sleep(time.Duration(200+rand.IntN(600)) * time.Millisecond)
		api.kill()
		<-done
		if log.writesInRound == 0 {
			t.Logf("round %d: killed before the first write was acknowledged", round)
		}
		eventually(t, "function processes gone after SIGKILL of serve", func() error {
			if pids := processesUnder(dataDir); len(pids) > 0 {
				return fmt.Errorf("processes %v still run from the data dir: function processes must die with albatross (parent-death signal)", pids)
			}
			return nil
		})
		if round == rounds-1 {
			tearCode(t, filepath.Join(dataDir, "functions", "durable"))
		}
	}
}

// tearCode truncates app.py in every code folder of a function, as a power cut between the
// folder's rename and its files reaching the disk could on a system without the fsyncs.
func tearCode(t *testing.T, dir string) {
	t.Helper()
	folders, _ := filepath.Glob(filepath.Join(dir, "*", "app.py"))
	if len(folders) == 0 {
		t.Fatalf("no code folder under %s", dir)
	}
	for _, f := range folders {
		if err := os.Truncate(f, 3); err != nil {
			t.Fatal(err)
		}
	}
}

// sleeperFunction sleeps through its invocations.
const sleeperFunction = `import time

def handler(event, context):
    print("sleeping", flush=True)
    time.sleep(60)
    return {}
`

// writeUntilKilled creates target groups and updates the function's code until a call fails
// (the server was killed), recording what was acknowledged.
func writeUntilKilled(t *testing.T, ec *elb.Client, lc *lambda.Client, round int, log *writeLog) {
	ctx := context.Background()
	log.writesInRound = 0
	for i := 0; ; i++ {
		if i%4 == 3 {
			version := fmt.Sprintf("v%d-%d", round, i)
			log.mu.Lock()
			log.codeInFlight = version
			log.mu.Unlock()
			zipped := zipOf(t, map[string]string{"app.py": pyFunction(version)})
			if _, err := lc.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("durable"), ZipFile: zipped}); err != nil {
				return
			}
			log.mu.Lock()
			log.code, log.codeInFlight = version, ""
			log.writesInRound++
			log.mu.Unlock()
			continue
		}
		name := fmt.Sprintf("r%d-%d", round, i)
		if _, err := ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String(name), TargetType: elbtypes.TargetTypeEnumLambda}); err != nil {
			return
		}
		log.mu.Lock()
		log.targetGroups = append(log.targetGroups, name)
		log.writesInRound++
		log.mu.Unlock()
	}
}

// checkAcknowledged: every acknowledged target group exists, and the function answers with the
// last acknowledged code or the update that was in flight.
func checkAcknowledged(t *testing.T, ec *elb.Client, lc *lambda.Client, log *writeLog) {
	t.Helper()
	ctx := context.Background()
	have := map[string]bool{}
	for _, tg := range need(ec.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{})).TargetGroups {
		have[aws.ToString(tg.TargetGroupName)] = true
	}
	for _, name := range log.targetGroups {
		if !have[name] {
			t.Errorf("acknowledged target group %s is lost", name)
		}
	}
	out := need(lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("durable"), Payload: []byte(`{}`)}))
	got := string(out.Payload)
	if !strings.Contains(got, `"fn": "`+log.code+`"`) && (log.codeInFlight == "" || !strings.Contains(got, `"fn": "`+log.codeInFlight+`"`)) {
		t.Errorf("function answered %s; want code %s (or %q, in flight at the kill)", got, log.code, log.codeInFlight)
	}
}

// processesUnder returns the processes whose working directory is below dir: function
// processes run in their code folder (LAMBDA_TASK_ROOT) inside the data dir.
func processesUnder(dir string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err == nil && strings.HasPrefix(cwd, dir+string(filepath.Separator)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killProcessesUnder stops what a failed run left behind, so that no test leaks processes.
func killProcessesUnder(dir string) {
	for _, pid := range processesUnder(dir) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}
