package lambda

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/function"
	"github.com/albatross-lb/albatross/internal/state"
)

// fuzzRoutes are the Lambda API's routes; the fuzzer picks one by index and fills in the
// function reference, the query and the body.
var fuzzRoutes = []struct{ method, path string }{
	{"POST", "/2015-03-31/functions"},
	{"GET", "/2015-03-31/functions"},
	{"GET", "/2015-03-31/functions/{name}"},
	{"GET", "/2015-03-31/functions/{name}/configuration"},
	{"PUT", "/2015-03-31/functions/{name}/configuration"},
	{"PUT", "/2015-03-31/functions/{name}/code"},
	{"DELETE", "/2015-03-31/functions/{name}"},
	{"POST", "/2015-03-31/functions/{name}/policy"},
	{"POST", "/2015-03-31/functions/{name}/invocations"},
	{"PUT", "/2017-10-31/functions/{name}/concurrency"},
	{"DELETE", "/2017-10-31/functions/{name}/concurrency"},
}

// FuzzLambdaAPI: every route with any function reference, query and JSON body answers a client
// error or success in the REST-JSON shape (or ServeMux's redirect for an unclean path), never a
// 5xx other than the 502 for a function that is not running, and never writes outside its code
// folder.
func FuzzLambdaAPI(f *testing.F) {
	f.Add(uint8(0), "", "", []byte(`{"FunctionName":"g","Runtime":"provided.al2023","Handler":"x","Role":"r","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}`))
	f.Add(uint8(0), "", "", []byte(`{"FunctionName":"../x","Code":{"ZipFile":"AA=="}}`))
	f.Add(uint8(1), "", "MaxItems=1&Marker=0", []byte(nil))
	f.Add(uint8(3), "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST", "Qualifier=1", []byte(nil))
	f.Add(uint8(4), "api", "", []byte(`{"Timeout":0,"MemorySize":99999,"Environment":{"Variables":{"1":"x"}}}`))
	f.Add(uint8(7), "api", "", []byte(`{"StatementId":"s","Action":"lambda:InvokeFunction","Principal":"elasticloadbalancing.amazonaws.com"}`))
	f.Add(uint8(8), "f", "", []byte(`{"a":[1,2,{"b":null}]}`))
	f.Add(uint8(9), "api", "", []byte(`{"ReservedConcurrentExecutions":-1}`))
	file := &config.Config{Functions: []config.Function{{FunctionName: "f", Runtime: "provided.al2023", Code: "/x"}}}
	codeDir := f.TempDir()
	f.Fuzz(func(t *testing.T, route uint8, name, query string, body []byte) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		store, err := state.Open(state.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SetFile(context.Background(), file); err != nil {
			t.Fatal(err)
		}
		fn := &fakeFunction{resp: &function.Response{Payload: []byte(`{}`)}}
		h := New(Options{Store: store, Functions: fakeFunctions{"f": fn}, CodeDir: codeDir})
		defer h.Close(context.Background())
		// The API after its creation: one API-made function to change, beside the file's.
		seed := `{"FunctionName":"api","Runtime":"python3.12","Handler":"app.handler","Role":"r","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}`
		if w := serve(h, "POST", "/2015-03-31/functions", seed); w.Code != http.StatusCreated {
			t.Fatalf("seed function: %d %s", w.Code, w.Body)
		}
		path := strings.ReplaceAll(rt.path, "{name}", url.PathEscape(name))
		u, err := url.Parse(path + "?" + query)
		if err != nil {
			return
		}
		req := httptest.NewRequest(rt.method, "/", strings.NewReader(string(body)))
		req.URL = u
		w := httptest.NewRecorder()
		controlapi.WithRequestID(h).ServeHTTP(w, req)
		if w.Code >= 500 && w.Header().Get("X-Amzn-ErrorType") != "ResourceNotReadyException" {
			t.Fatalf("%s %s %q: %d %s", rt.method, u, body, w.Code, w.Body)
		}
		if w.Code >= 400 && w.Header().Get("X-Amzn-ErrorType") == "" {
			t.Fatalf("%s %s: error %d without X-Amzn-ErrorType", rt.method, u, w.Code)
		}
		// ServeMux answers a path that is not clean ("//") with a redirect to the clean one.
		redirect := w.Code == http.StatusTemporaryRedirect || w.Code == http.StatusMovedPermanently
		if w.Body.Len() > 0 && !redirect && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s: the answer is not JSON: %s", rt.method, u, w.Body)
		}
		entries, _ := os.ReadDir(codeDir)
		for _, e := range entries {
			if !functionNameRe.MatchString(e.Name()) {
				t.Fatalf("%s %s: wrote %q in the code folder", rt.method, u, e.Name())
			}
		}
	})
}
