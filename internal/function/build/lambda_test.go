package build

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The built bootstrap is a working aws-lambda-go function: against a minimal Runtime API (B.1,
// B.8: 200 on /next with a deadline header, 202 on /response) it answers one invocation.
func TestBuiltBootstrapServesRuntimeAPI(t *testing.T) {
	t.Parallel()
	b, _ := newBuilder(t)
	bin, err := b.Build(t.Context(), filepath.Join(copyTree(t, "lambdamod"), "cmd", "hello"))
	if err != nil {
		t.Fatal(err)
	}

	events := make(chan string, 1)
	events <- `{"name":"ada"}`
	responses := make(chan string, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		select {
		case ev := <-events:
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", "req-1")
			w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:hello")
			io.WriteString(w, ev)
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/req-1/response", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		responses <- string(body)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	cmd := exec.Command(bin)
	cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(srv.URL, "http://"), "AWS_LAMBDA_FUNCTION_NAME=hello"}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	select {
	case got := <-responses:
		if want := `{"message":"hello, ada"}`; got != want {
			t.Errorf("response = %s, want %s", got, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the built function did not answer")
	}
}
