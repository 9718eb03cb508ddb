// Package inproc runs Albatross's data plane in the test process, configured from the same
// bench/albatross.yaml.in as bench/run.sh, so that its CPU and allocations can be profiled with
// the Go tools (the albatross binary has no --cpuprofile flag):
//
//	go test -run '^$' -bench . -benchtime 100000x -cpuprofile cpu.out -memprofile mem.out ./bench/inproc
//	go tool pprof -top -focus 'listener|router|action|target' cpu.out
//
// BenchmarkDirect measures the client and backend alone; the difference to BenchmarkAlbatross is
// what the load balancer costs. BenchmarkTunedReverseProxy is httputil.ReverseProxy with a
// keep-alive pool and nothing else: the floor Albatross's HTTP path is built on.
package inproc
