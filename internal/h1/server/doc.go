// Package server is Albatross's HTTP/1.1 client-connection loop (issue 14, docs/engine.md §2):
// one goroutine per connection reads request heads with internal/h1/wire, builds the
// *http.Request the handler chain expects, and writes the response itself, with keep-alive,
// pipelining answered in order, Expect: 100-continue, upgrades handed off through Hijack, the
// idle timeout, LIM-01's limits, and the ALB's error pages for what it refuses itself. Nothing is
// spawned per request: a request that waits long enough gets a short-lived read that watches for
// the client going away (watch.go). HTTP/2 stays on net/http.
package server
