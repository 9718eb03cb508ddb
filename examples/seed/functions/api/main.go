// Command api is the ticket site's JSON API as a Lambda function behind the load balancer rule
// for /api/*. It shows how a function reads the ALB event: it routes on httpMethod and path,
// decodes the query string itself (the ALB does not, LAM-11), reads a JSON body that may arrive
// base64-encoded (LAM-12), and answers with headers that are never null (LAM-22).
//
//	GET  /api                      the endpoints below
//	GET  /api/events               upcoming events; ?city=Lisbon (repeatable) &limit=N
//	GET  /api/events/{id}          one event
//	GET  /api/events/{id}/seats    seat availability; ?available=true lists free seats only
//	POST /api/reservations         {"event_id","seats":["A1"],"email"} → 201, 400, 409
//	ANY  /api/echo                 the ALB event exactly as the function received it
package main

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/albatross-lb/albatross/examples/seed/internal/catalog"
)

// api serves the endpoints from one catalog, which lives as long as the function environment.
type api struct {
	cat *catalog.Catalog
	now func() time.Time
}

func newAPI(now func() time.Time) *api {
	return &api{cat: catalog.New(now()), now: now}
}

// handle is the Lambda handler: one ALB event in, one ALB response out. It never returns an
// error, because a function error becomes a bare 502 at the load balancer (LAM-3x table) while a
// JSON error body tells the client what went wrong.
func (a *api) handle(_ context.Context, req events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	return a.route(req).For(req), nil
}

func main() {
	lambda.Start(newAPI(time.Now).handle)
}
