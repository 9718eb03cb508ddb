package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// intrude is a foreign local process attacking an environment's Runtime API: it reads
// AWS_LAMBDA_RUNTIME_API from /proc/<pid>/environ of the environment's process (as any process
// of the same user can), then tries to take an invocation and to post a response. It prints
// what each attempt got as JSON.
func intrude(pid string) {
	environ, err := os.ReadFile("/proc/" + pid + "/environ")
	if err != nil {
		fmt.Println(`{"error":"cannot read environ"}`)
		os.Exit(1)
	}
	var api string
	for _, kv := range strings.Split(string(environ), "\x00") {
		if v, ok := strings.CutPrefix(kv, "AWS_LAMBDA_RUNTIME_API="); ok {
			api = v
		}
	}
	client := &http.Client{Timeout: 3 * time.Second}
	base := "http://" + api + "/2018-06-01/runtime/invocation/"
	result := map[string]any{"api": api}
	result["next"] = attempt(client.Get(base + "next"))
	result["response"] = attempt(client.Post(base+"any-id/response", "application/json", bytes.NewReader([]byte(`"forged"`))))
	_ = json.NewEncoder(os.Stdout).Encode(result)
}

// attempt describes an HTTP exchange: the status and body, or the transport error.
func attempt(resp *http.Response, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return fmt.Sprintf("%d %s", resp.StatusCode, body)
}
