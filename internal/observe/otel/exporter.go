// Package otel exports one trace per request — the request, its rule match and its target call —
// to an OpenTelemetry collector over OTLP/HTTP in the JSON encoding. It uses only the standard
// library, and is kept out of package observe so that the core stays light.
package otel

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/albatross-lb/albatross/internal/observe"
)

// Options configure an Exporter.
type Options struct {
	// Endpoint is the full traces URL, e.g. http://127.0.0.1:4318/v1/traces.
	Endpoint string
	// ServiceName is the resource's service.name; "" means "albatross".
	ServiceName string
	// Buffer bounds the exchanges waiting for export; zero means 4096. Beyond it they are
	// dropped and counted, never blocking a request.
	Buffer int
	// BatchSize and Interval bound a batch; zero means 256 exchanges and 1 s.
	BatchSize int
	Interval  time.Duration
	// Client sends the batches; nil means a client with a 10 s timeout.
	Client *http.Client
	// Logger receives export failures; nil means slog.Default().
	Logger *slog.Logger
}

// FromEnv returns Options from the standard OpenTelemetry variables
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) or OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces),
// and OTEL_SERVICE_NAME; ok is false when no endpoint is set.
func FromEnv() (o Options, ok bool) {
	o.Endpoint = os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
	if o.Endpoint == "" {
		if base := os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); base != "" {
			o.Endpoint = strings.TrimSuffix(base, "/") + "/v1/traces"
		}
	}
	o.ServiceName = os.Getenv("OTEL_SERVICE_NAME")
	return o, o.Endpoint != ""
}

// Exporter batches exchanges and posts their spans. Safe for concurrent use.
type Exporter struct {
	opts    Options
	queue   chan *observe.Exchange
	dropped atomic.Uint64
	done    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

// New starts an exporter; Close stops it.
func New(o Options) *Exporter {
	if o.ServiceName == "" {
		o.ServiceName = "albatross"
	}
	if o.Buffer <= 0 {
		o.Buffer = 4096
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 256
	}
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	e := &Exporter{opts: o, queue: make(chan *observe.Exchange, o.Buffer), done: make(chan struct{}), stopped: make(chan struct{})}
	go e.run()
	return e
}

// Observe queues ex for export without blocking. ex must not change afterwards.
func (e *Exporter) Observe(ex *observe.Exchange) {
	select {
	case e.queue <- ex:
	default:
		e.dropped.Add(1)
	}
}

// Dropped counts exchanges not exported because the queue was full or a batch failed.
func (e *Exporter) Dropped() uint64 { return e.dropped.Load() }

// Close exports what is queued and stops, or gives up when ctx ends.
func (e *Exporter) Close(ctx context.Context) error {
	e.once.Do(func() { close(e.done) })
	select {
	case <-e.stopped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Exporter) run() {
	defer close(e.stopped)
	tick := time.NewTicker(e.opts.Interval)
	defer tick.Stop()
	var batch []*observe.Exchange
	for {
		select {
		case ex := <-e.queue:
			if batch = append(batch, ex); len(batch) >= e.opts.BatchSize {
				batch = e.send(batch)
			}
		case <-tick.C:
			batch = e.send(batch)
		case <-e.done:
			for {
				select {
				case ex := <-e.queue:
					batch = append(batch, ex)
				default:
					e.send(batch)
					return
				}
			}
		}
	}
}

// send posts batch and returns it emptied for reuse.
func (e *Exporter) send(batch []*observe.Exchange) (next []*observe.Exchange) {
	if len(batch) == 0 {
		return batch
	}
	defer func() {
		// A bug encoding or posting the batch costs that batch, not the exporter or the process.
		if v := recover(); v != nil {
			observe.Panicked(context.Background(), e.opts.Logger, "otlp_exporter", v)
			e.dropped.Add(uint64(len(batch)))
			next = batch[:0]
		}
	}()
	if err := e.post(batch); err != nil {
		e.dropped.Add(uint64(len(batch)))
		e.opts.Logger.Warn("otel: export failed", "endpoint", e.opts.Endpoint, "spans_dropped", len(batch), "error", err)
	}
	clear(batch)
	return batch[:0]
}

func (e *Exporter) post(batch []*observe.Exchange) error {
	var spans []span
	for _, ex := range batch {
		spans = append(spans, spansOf(ex)...)
	}
	body, err := json.Marshal(request(e.opts.ServiceName, spans))
	if err != nil {
		return err
	}
	resp, err := e.opts.Client.Post(e.opts.Endpoint, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("collector answered %s", resp.Status)
	}
	return nil
}

// request is an ExportTraceServiceRequest with one resource and one scope.
func request(service string, spans []span) any {
	type scope struct {
		Name string `json:"name"`
	}
	type scopeSpans struct {
		Scope scope  `json:"scope"`
		Spans []span `json:"spans"`
	}
	type resource struct {
		Attributes []attribute `json:"attributes"`
	}
	type resourceSpans struct {
		Resource   resource     `json:"resource"`
		ScopeSpans []scopeSpans `json:"scopeSpans"`
	}
	return struct {
		ResourceSpans []resourceSpans `json:"resourceSpans"`
	}{[]resourceSpans{{
		Resource:   resource{Attributes: []attribute{str("service.name", service)}},
		ScopeSpans: []scopeSpans{{Scope: scope{Name: "github.com/albatross-lb/albatross"}, Spans: spans}},
	}}}
}
