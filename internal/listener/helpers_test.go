package listener

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

// okHandler answers 200 with body.
func okHandler(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) })
}

// listen starts a listener on 127.0.0.1 and closes it when the test ends.
func listen(t *testing.T, h http.Handler, opts Options) *Listener {
	t.Helper()
	l, err := Listen("127.0.0.1:0", h, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = l.Close(ctx)
	})
	return l
}
