package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fuzzPaths are the Runtime and Extensions API routes a hostile runtime may call; the fuzzer
// picks one and may append to it.
var fuzzPaths = []string{
	"/2018-06-01/runtime/invocation/next",
	"/2018-06-01/runtime/invocation/req-1/response",
	"/2018-06-01/runtime/invocation/req-1/error",
	"/2018-06-01/runtime/invocation/",
	"/2018-06-01/runtime/init/error",
	"/2020-01-01/extension/register",
	"/2020-01-01/extension/event/next",
	"/2020-01-01/extension/init/error",
	"/2020-01-01/extension/exit/error",
}

// FuzzRuntimeAPI sends one arbitrary request (route, method, Lambda headers and trailers, body)
// to an environment whose runtime holds invocation req-1, as a hostile or broken runtime would.
// Oracle: no panic; every status is one the Runtime API defines; every JSON error has an
// errorType; the invocation ends (with the posted body when a result was accepted) instead of
// hanging. Seeds: testdata/fuzz/FuzzRuntimeAPI and the ones below.
func FuzzRuntimeAPI(f *testing.F) {
	f.Add(uint8(1), "", true, "", "", "", "", []byte(`{"ok":true}`))
	f.Add(uint8(2), "", true, "Runtime.Error", "", "", "", []byte(`{"errorType":"x","stackTrace":[{}]}`))
	f.Add(uint8(1), "", true, "Runtime.Error", "eyJlcnJvck1lc3NhZ2UiOiJib29tIn0=", "streaming", "", []byte("partial"))
	f.Add(uint8(1), "", true, "", "", "buffered", "", []byte("x"))
	f.Add(uint8(3), "../req-1/response", true, "", "", "", "", []byte("x"))
	f.Add(uint8(4), "", true, "Runtime.Init", "", "", "", []byte{})
	f.Add(uint8(5), "", false, "", "", "", "ext", []byte(`{"events":["INVOKE","SHUTDOWN"]}`))
	f.Add(uint8(6), "", false, "", "", "", "", []byte{})
	f.Add(uint8(1), "", true, "", "%%%", "", "", bytes.Repeat([]byte("y"), 2048))
	f.Fuzz(func(t *testing.T, route uint8, suffix string, post bool, errType, errBody, mode, extName string, body []byte) {
		s := newServer(Config{FunctionName: "fn", FunctionVersion: "$LATEST", Handler: "h", MaxResponseSize: 1024})
		h := s.routes()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		results := make(chan *Result, 1)
		go func() {
			r, _ := s.Dispatch(ctx, &Invocation{RequestID: "req-1", Payload: []byte(`{}`), Deadline: time.Now().Add(time.Minute)})
			results <- r
		}()
		if rec := serve(h, httptest.NewRequest(http.MethodGet, fuzzPaths[0], nil), time.Second); rec.Code != http.StatusOK {
			t.Fatalf("GET /next = %d", rec.Code)
		}

		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		target := fuzzPaths[int(route)%len(fuzzPaths)] + suffix
		if !validTarget(target) {
			t.Skip()
		}
		req := httptest.NewRequest(method, target, bytes.NewReader(body))
		req.Header.Set(headerFunctionErr, errType)
		req.Header.Set(headerResponseMode, mode)
		req.Header.Set(headerExtensionName, extName)
		req.Trailer = http.Header{}
		req.Trailer.Set(headerFunctionErr, errType)
		req.Trailer.Set(headerFunctionBody, errBody)
		// A second GET /next or an extension's event/next blocks by design: bound it.
		rec := serve(h, req, 50*time.Millisecond)

		switch rec.Code {
		case http.StatusOK, http.StatusAccepted, http.StatusBadRequest, http.StatusForbidden,
			http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusRequestEntityTooLarge, http.StatusInternalServerError,
			http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect: // ServeMux cleaning a path
		default:
			t.Fatalf("%s %s: status %d", method, target, rec.Code)
		}
		if rec.Code >= 400 && strings.HasPrefix(rec.Header().Get("Content-Type"), contentTypeJSON) {
			var e errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.ErrorType == "" {
				t.Fatalf("%s %s: error body %q", method, target, rec.Body)
			}
		}
		cancel()
		select {
		case r := <-results:
			accepted := rec.Code == http.StatusAccepted && strings.HasSuffix(target, "/req-1/response")
			if accepted && r != nil && !r.Error && !r.TooLarge && !bytes.Equal(r.Payload, body) {
				t.Fatalf("accepted result %q; posted %q", r.Payload, body)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Dispatch did not end")
		}
	})
}

// serve runs one request against h, ending it after limit (a blocking GET /next).
func serve(h http.Handler, req *http.Request, limit time.Duration) *httptest.ResponseRecorder {
	ctx, cancel := context.WithTimeout(req.Context(), limit)
	defer cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req.WithContext(ctx))
	return rec
}

// validTarget filters out paths httptest.NewRequest cannot parse; they never reach a handler.
func validTarget(target string) bool {
	defer func() { _ = recover() }()
	_ = httptest.NewRequest(http.MethodGet, target, nil)
	return !strings.ContainsAny(target, " \t\r\n#?")
}
