package runtimeapi

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// routedBy is the route a ServeMux with the Runtime API's two hot patterns picks for a request,
// with the id it gives the handler; "redirect" when it redirects, "other" for anything else.
func routedBy(r *http.Request) (route, id string) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+nextPath, func(http.ResponseWriter, *http.Request) { route = "next" })
	mux.HandleFunc("POST "+resultPrefix+"{id}/response", func(_ http.ResponseWriter, r *http.Request) {
		route, id = "response", r.PathValue("id")
	})
	mux.HandleFunc("/", func(http.ResponseWriter, *http.Request) { route = "other" })
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, r)
	if route == "" {
		route = "redirect"
	}
	return route, id
}

// checkFastRoute fails when the router's short way disagrees with the ServeMux it bypasses.
func checkFastRoute(t *testing.T, method, target string) {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")))
	if err != nil {
		return // never reaches a handler
	}
	route, id := fastRoute(r)
	muxRoute, muxID := routedBy(r)
	switch route {
	case routeNext:
		if muxRoute != "next" {
			t.Errorf("%s %s: short way to /next, the mux says %s", method, target, muxRoute)
		}
	case routeResponse:
		if muxRoute != "response" || muxID != id {
			t.Errorf("%s %s: short way to /response with id %q, the mux says %s %q", method, target, id, muxRoute, muxID)
		}
	}
}

// TestFastRouteAgreesWithMux: the router's short way for GET /next and POST /{id}/response
// picks the handler and id the ServeMux would, and is never taken where the mux would redirect
// or route elsewhere.
func TestFastRouteAgreesWithMux(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method, target string
		want           int
	}{
		{"GET", nextPath, routeNext},
		{"POST", resultPrefix + "8476a536-e9f4-11e8-9739-2dfe598c3fcd/response", routeResponse},
		{"POST", resultPrefix + "a%20b/response", routeResponse},
		{"POST", resultPrefix + "a%2Fb/response", routeMux},
		{"POST", resultPrefix + "./response", routeMux},
		{"POST", resultPrefix + "../response", routeMux},
		{"POST", resultPrefix + "/response", routeMux},
		{"POST", resultPrefix + "a/b/response", routeMux},
		{"POST", resultPrefix + "a//response", routeMux},
		{"POST", resultPrefix + "id/response/", routeMux},
		{"POST", resultPrefix + "id/error", routeMux},
		{"HEAD", nextPath, routeMux},
		{"POST", nextPath, routeMux},
		{"GET", nextPath + "/", routeMux},
		{"GET", "/2018-06-01/runtime/invocation/../invocation/next", routeMux},
		{"GET", "http://127.0.0.1" + nextPath, routeNext},
		{"GET", nextPath + "?x=1", routeNext},
	} {
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(tc.method + " " + tc.target + " HTTP/1.1\r\nHost: h\r\n\r\n")))
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.target, err)
		}
		if got, _ := fastRoute(r); got != tc.want {
			t.Errorf("%s %s: route %d, want %d", tc.method, tc.target, got, tc.want)
		}
		checkFastRoute(t, tc.method, tc.target)
	}
}

// FuzzFastRoute holds the short way to the mux's choice for any method and target.
func FuzzFastRoute(f *testing.F) {
	f.Add("GET", nextPath)
	f.Add("POST", resultPrefix+"req-1/response")
	f.Add("POST", resultPrefix+"%2e%2e/response")
	f.Add("POST", resultPrefix+"a%2fb/response")
	f.Fuzz(func(t *testing.T, method, target string) {
		if strings.ContainsAny(method+target, " \r\n") {
			t.Skip()
		}
		checkFastRoute(t, method, target)
	})
}
