//go:build !nootel

package reconcile

import (
	"context"
	"log/slog"

	"github.com/albatross-lb/albatross/internal/observe/otel"
)

// newSpanExporter starts OpenTelemetry's exporter when the OTEL_* variables ask for traces
// (otel.Enabled), else returns nil. A bad configuration is logged and leaves traces off: the
// load balancer serves regardless. Building with -tags nootel replaces this file by
// tracing_nootel.go and leaves the SDK out of the binary.
func newSpanExporter(log *slog.Logger) spanExporter {
	if !otel.Enabled() {
		return nil
	}
	e, err := otel.New(context.Background(), otel.Options{Logger: log})
	if err != nil {
		log.Warn("traces not exported", "error", err)
		return nil
	}
	log.Info("exporting traces", "protocol", e.Protocol())
	return e
}
