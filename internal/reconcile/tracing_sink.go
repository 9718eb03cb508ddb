package reconcile

import (
	"context"

	"github.com/albatross-lb/albatross/internal/observe"
)

// spanExporter is what observability needs of a trace exporter: a sink of finished exchanges
// that flushes on Close. newSpanExporter (tracing.go, or tracing_nootel.go in a build without
// OpenTelemetry) makes it.
type spanExporter interface {
	observe.Sink
	Close(context.Context) error
}
