// Package otel exports one trace per request — the request, its rule match and its target call —
// with OpenTelemetry's Go SDK: the batch span processor, the OTLP exporters (HTTP/protobuf or
// gRPC, with their retries) and the standard OTEL_* environment configuration. It is the only
// package that imports the SDK: observe hands it finished exchanges through the observe.Sink
// interface, and a binary built with the nootel tag leaves it (and the SDK) out; see
// docs/observability.md.
package otel

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/albatross-lb/albatross/internal/observe"
)

// Options configure an Exporter beyond what the OTEL_* variables say.
type Options struct {
	// Logger receives export failures; nil means slog.Default().
	Logger *slog.Logger
	// retryInitial replaces the exporters' first retry backoff (5 s), for tests.
	retryInitial time.Duration
}

// Enabled reports whether the environment asks for traces: an OTLP endpoint is set
// (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT) or OTEL_TRACES_EXPORTER
// is otlp, and OTEL_TRACES_EXPORTER is not none. Unlike the SDK's default, nothing is sent to
// localhost:4318 unless asked for: a load balancer should not try a collector nobody runs.
func Enabled() bool {
	switch os.Getenv("OTEL_TRACES_EXPORTER") {
	case "none":
		return false
	case "otlp":
		return true
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != ""
}

// Exporter turns finished exchanges into spans. Safe for concurrent use.
type Exporter struct {
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
	protocol string
	log      *slog.Logger
}

var _ observe.Sink = (*Exporter)(nil)

// New starts an exporter configured by the OTEL_* variables: the exporter's protocol
// (OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL: http/protobuf, the default, or grpc), endpoint,
// headers, timeout, compression and certificates, which the OTLP exporters read themselves;
// the batch processor's OTEL_BSP_* limits; the sampler (OTEL_TRACES_SAMPLER[_ARG]); and the
// resource (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES; service.name defaults to albatross).
// Close flushes and stops it.
func New(ctx context.Context, o Options) (*Exporter, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	setErrorHandler(o.Logger)
	protocol := protocolFromEnv()
	var client otlptrace.Client
	switch protocol {
	case "http/protobuf":
		var opts []otlptracehttp.Option
		if o.retryInitial > 0 {
			opts = append(opts, otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: true,
				InitialInterval: o.retryInitial, MaxInterval: 10 * o.retryInitial, MaxElapsedTime: time.Minute}))
		}
		client = otlptracehttp.NewClient(opts...)
	case "grpc":
		var opts []otlptracegrpc.Option
		if o.retryInitial > 0 {
			opts = append(opts, otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: true,
				InitialInterval: o.retryInitial, MaxInterval: 10 * o.retryInitial, MaxElapsedTime: time.Minute}))
		}
		client = otlptracegrpc.NewClient(opts...)
	default:
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q: Albatross exports traces over http/protobuf or grpc", protocol)
	}
	exporter, err := otlptrace.New(ctx, client)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", "albatross")),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil {
		o.Logger.Warn("otel: resource attributes", "error", err) // a partial resource still serves
	}
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter), sdktrace.WithResource(res), sdktrace.WithIDGenerator(idGenerator{}))
	return &Exporter{provider: provider, tracer: provider.Tracer("github.com/albatross-lb/albatross"), protocol: protocol, log: o.Logger}, nil
}

// Protocol is the OTLP protocol in use: http/protobuf or grpc.
func (e *Exporter) Protocol() string { return e.protocol }

// protocolFromEnv is the OTLP protocol for traces, with the SDK's precedence of variables.
func protocolFromEnv() string {
	for _, k := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if v := strings.TrimSpace(os.Getenv(k)); v != "" {
			return v
		}
	}
	return "http/protobuf"
}

// Close exports the spans still queued and stops, or gives up when ctx ends.
func (e *Exporter) Close(ctx context.Context) error { return e.provider.Shutdown(ctx) }

var errorHandlerOnce sync.Once

// setErrorHandler sends the SDK's export errors (a collector still down after the retries, a
// full queue) to the process's logger. The SDK keeps one handler per process; the first
// exporter's logger is it.
func setErrorHandler(log *slog.Logger) {
	errorHandlerOnce.Do(func() {
		otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Warn("otel: export failed", "error", err) }))
	})
}
