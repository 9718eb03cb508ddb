package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albatross-lb/albatross/bench/lambda/hello"
)

// TestHandleEventFile feeds the event the benchmark posts to the emulator (bench/lambda/event.json)
// and checks the response is one the ALB accepts (LAM-20, LAM-22) and carries the marker.
func TestHandleEventFile(t *testing.T) {
	raw, err := os.ReadFile("../event.json")
	if err != nil {
		t.Fatal(err)
	}
	var req events.ALBTargetGroupRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	resp, err := handle(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "null") {
		t.Fatalf("response %s has a null field, which the ALB answers with 502 (LAM-22)", out)
	}
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, hello.Marker) {
		t.Fatalf("response %s: want 200 with the marker", out)
	}
}
