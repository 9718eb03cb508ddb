//go:build nootel

package reconcile

import (
	"log/slog"
	"os"
)

// newSpanExporter: this binary was built with -tags nootel, without OpenTelemetry's SDK, so
// traces are never exported; the OTEL_* variables are noted and ignored.
func newSpanExporter(log *slog.Logger) spanExporter {
	if otelAsked() {
		log.Warn("traces not exported: this binary was built with -tags nootel")
	}
	return nil
}

// otelAsked reports whether the environment asks for traces (as otel.Enabled reads it).
func otelAsked() bool {
	if os.Getenv("OTEL_TRACES_EXPORTER") == "none" {
		return false
	}
	return os.Getenv("OTEL_TRACES_EXPORTER") == "otlp" ||
		os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}
