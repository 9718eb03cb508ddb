package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
)

// rawRuntime is a custom runtime written by hand against the Runtime API: for each event it
// answers with what it saw, including the statuses of deliberately wrong calls.
func rawRuntime() {
	base := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := http.Get(base + "next")
		if err != nil {
			os.Exit(5)
		}
		event, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		seen := map[string]any{"nextStatus": resp.StatusCode, "event": string(event), "headers": resp.Header}
		seen["wrongIdStatus"], seen["wrongIdBody"] = post(base+"not-"+id+"/response", "x")
		body, _ := json.Marshal(seen)
		status, text := post(base+id+"/response", string(body))
		secondStatus, secondBody := post(base+id+"/response", "again")
		fmt.Println("response:", status, text, "second:", secondStatus, secondBody)
	}
}

func post(url, body string) (int, string) {
	resp, err := http.Post(url, "application/json", bytes.NewBufferString(body))
	if err != nil {
		return -1, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// postInitError reports an init failure the way managed runtimes do.
func postInitError() {
	req, _ := http.NewRequest(http.MethodPost, "http://"+os.Getenv("AWS_LAMBDA_RUNTIME_API")+"/2018-06-01/runtime/init/error",
		bytes.NewBufferString(`{"errorMessage":"Cannot find module 'app'","errorType":"Runtime.ImportModuleError"}`))
	req.Header.Set("Lambda-Runtime-Function-Error-Type", "Runtime.ImportModuleError")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		fmt.Println("init error posted:", resp.StatusCode)
		resp.Body.Close()
	}
}
