// Command fn is the test function of package function: one binary whose behaviour is chosen by
// the payload's "action" (per invocation) and by FN_INIT / FN_RUNTIME (per environment).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type request struct {
	Action string `json:"action"`
	Ms     int    `json:"ms"`
	Size   int    `json:"size"`
	Msg    string `json:"msg"`
	Code   int    `json:"code"`
	Dir    string `json:"dir"`
	// Paths are the files the "read" action tries, as a hostile function would.
	Paths []string `json:"paths"`
}

var inFlight atomic.Int32

func main() {
	if pid := os.Getenv("FN_INTRUDE_PID"); pid != "" {
		intrude(pid)
		return
	}
	switch os.Getenv("FN_INIT") {
	case "exit":
		fmt.Println("init: exiting")
		os.Exit(3)
	case "init-error":
		postInitError()
		os.Exit(1)
	case "slow":
		time.Sleep(time.Minute)
	}
	if os.Getenv("FN_RUNTIME") == "raw" {
		rawRuntime()
		return
	}
	fmt.Println("init: ready")
	if os.Getenv("FN_SIGTERM") != "" {
		// Registers the GoLangEnableSIGTERM extension through the Extensions API (B.6).
		lambda.StartWithOptions(handle, lambda.WithEnableSIGTERM(func() { fmt.Println("sigterm received") }))
		return
	}
	lambda.Start(handle)
}

func handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	switch req.Action {
	case "echo":
		return raw, nil
	case "read":
		out := map[string]string{"uid": strconv.Itoa(os.Getuid())}
		for _, p := range req.Paths {
			if b, err := os.ReadFile(p); err != nil {
				out[p] = err.Error()
			} else {
				out[p] = "read: " + string(b)
			}
		}
		return out, nil
	case "sleep":
		time.Sleep(time.Duration(req.Ms) * time.Millisecond)
		return "slept", nil
	case "error":
		return nil, errors.New(req.Msg)
	case "panic":
		panic(req.Msg)
	case "exit":
		fmt.Println("exiting with", req.Code)
		os.Exit(req.Code)
	case "flood":
		// Size bytes of 1000-byte lines, then one line over Lambda's 256 KB event limit.
		w := bufio.NewWriterSize(os.Stdout, 1<<16)
		line := strings.Repeat("f", 999) + "\n"
		for range req.Size / 1000 {
			w.WriteString(line)
		}
		w.WriteString(strings.Repeat("L", 300<<10) + "\n")
		w.Flush()
		return "flooded", nil
	case "large":
		return strings.Repeat("x", req.Size), nil
	case "alloc":
		// Size bytes, every page touched, so that they count against the memory bound.
		b := make([]byte, req.Size)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		return len(b), nil
	case "log":
		fmt.Println("to stdout")
		fmt.Fprintln(os.Stderr, "to stderr")
		return "logged", nil
	case "record":
		return record(req)
	case "context":
		lc, _ := lambdacontext.FromContext(ctx)
		deadline, _ := ctx.Deadline()
		wd, _ := os.Getwd()
		return map[string]any{"requestId": lc.AwsRequestID, "arn": lc.InvokedFunctionArn,
			"deadlineMs": deadline.UnixMilli(), "env": os.Environ(), "wd": wd,
			"trace": ctx.Value("x-amzn-trace-id")}, nil
	}
	return nil, fmt.Errorf("unknown action %q", req.Action)
}

// record proves one invocation per environment: an in-process counter, and a lock file per
// process in a shared directory (whose file count also bounds concurrency across environments).
func record(req request) (any, error) {
	overlap := inFlight.Add(1) > 1
	defer inFlight.Add(-1)
	lock := filepath.Join(req.Dir, strconv.Itoa(os.Getpid()))
	f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		overlap = true
	} else {
		f.Close()
		defer os.Remove(lock)
	}
	entries, _ := os.ReadDir(req.Dir)
	time.Sleep(time.Duration(req.Ms) * time.Millisecond)
	return map[string]any{"pid": os.Getpid(), "overlap": overlap, "concurrent": len(entries)}, nil
}
