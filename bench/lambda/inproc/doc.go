// Package inproc runs the function benchmark's Albatross side in the test process, so that its
// CPU and allocations can be profiled with the Go tools (the albatross binary has no profiling
// flag). The function itself (bench/lambda/fn) runs as a child process, as in production, so a
// CPU profile shows only what Albatross spends per invocation:
//
//	go test -run '^$' -bench . -benchtime 20000x -cpuprofile cpu.out ./bench/lambda/inproc
//	go tool pprof -top cpu.out
//
// BenchmarkInvoke drives internal/function directly (invoker, pool, Runtime API round trip);
// BenchmarkALBFunction and BenchmarkALBHTTP send GET requests through the whole data plane,
// configured from bench/lambda/albatross.yaml.in, to the function and to the same handler logic
// as an HTTP server (variant (a)): their difference is what a function costs over a proxy hop.
package inproc
