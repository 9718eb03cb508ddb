// Command home renders the ticket site's home page as a Lambda function behind the load balancer
// rule for "/". It fetches the upcoming events from the API function through the load balancer,
// the way a page in production would call its own API, and links into the monolith for event
// pages and checkout.
//
// Environment: API_BASE_URL (optional) is where the API is reached, e.g. https://tickets.example;
// by default the function calls back the load balancer that invoked it, from the event's host and
// x-forwarded-proto headers.
package main

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/albatross-lb/albatross/examples/seed/internal/albevent"
)

// fetchTimeout bounds the call to the API, well inside the function's configured timeout, so a
// slow API yields an explanatory page instead of a function timeout (a bare 502).
const fetchTimeout = 2 * time.Second

// home renders the page; client is the HTTP client used to reach the API.
type home struct {
	client  *http.Client
	apiBase string
	now     func() time.Time
}

func (h *home) handle(ctx context.Context, req events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	if req.HTTPMethod != http.MethodGet && req.HTTPMethod != http.MethodHead {
		r := albevent.Text(http.StatusMethodNotAllowed, "text/plain; charset=utf-8", "use GET\n")
		r.Header.Set("Allow", "GET, HEAD")
		return r.For(req), nil
	}
	return h.render(ctx, req).For(req), nil
}

func main() {
	h := &home{
		client:  &http.Client{Timeout: fetchTimeout},
		apiBase: os.Getenv("API_BASE_URL"),
		now:     time.Now,
	}
	lambda.Start(h.handle)
}
