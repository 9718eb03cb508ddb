package lambda

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/state"
)

// unreachableCode is a cluster whose etcd does not answer.
type unreachableCode struct{ calls int }

func (u *unreachableCode) PutCode(context.Context, []byte) error {
	u.calls++
	return fmt.Errorf("%w: etcd: context deadline exceeded", state.ErrUnavailable)
}

// TestCodeNotSharedIsServiceUnavailable: in a cluster whose store cannot be reached, a create is
// refused with AWS's common ServiceUnavailable (503, which SDKs retry), and the function is not
// made: the other nodes could not have run it (docs/cluster.md).
func TestCodeNotSharedIsServiceUnavailable(t *testing.T) {
	t.Parallel()
	h := newTestHandler(t, &fakeFunction{})
	shared := &unreachableCode{}
	h.opts.SharedCode = shared
	w := serve(h, http.MethodPost, "/2015-03-31/functions",
		`{"FunctionName":"g","Runtime":"provided.al2023","Handler":"x","Role":"r","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}`)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("X-Amzn-ErrorType") != "ServiceUnavailable" ||
		!strings.Contains(w.Body.String(), `"Type":"Service"`) {
		t.Fatalf("status %d type %q body %s; want 503 ServiceUnavailable", w.Code, w.Header().Get("X-Amzn-ErrorType"), w.Body)
	}
	if shared.calls != 1 {
		t.Errorf("PutCode called %d times; want 1", shared.calls)
	}
	if h.opts.Store.Snapshot().Function("g") != nil {
		t.Error("the function was made although its code is not shared")
	}
}
