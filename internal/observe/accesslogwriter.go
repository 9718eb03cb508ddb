package observe

import (
	"context"
	"log/slog"
	"time"
)

// Uploader stores a finished log file, e.g. as an S3 object. Upload may block; it runs on its
// own goroutine, never on a request's.
type Uploader interface {
	Upload(ctx context.Context, bucket, key string, gz []byte) error
}

// AccessLogOptions configure an AccessLog (and a ConnectionLog).
type AccessLogOptions struct {
	// Location names the files (and objects) as AWS does.
	Location LogLocation
	// Dir is the local root: a file's path is Dir/<bucket>/<key>, the object's layout.
	Dir string
	// Interval is the length of a file's period; zero means DefaultLogInterval.
	Interval time.Duration
	// Buffer bounds the entries waiting for the writer; zero means 4096. Entries beyond it are
	// dropped and counted, so that a slow disk never blocks a request.
	Buffer int
	// Uploader, when set, receives every finished file.
	Uploader Uploader
	// Logger receives write and upload failures; nil means slog.Default().
	Logger *slog.Logger
}

// AccessLog writes the access log of one load balancer: Observe queues an entry without
// blocking, a writer goroutine formats it into the period's file (plain text while the period
// lasts, so that it can be followed with tail -f), and at the period's end the file is gzipped
// to its final .log.gz name and handed to the Uploader. Safe for concurrent use.
type AccessLog struct {
	w *rotatingLog[*Exchange]
}

// NewAccessLog starts the writer. Close stops it.
func NewAccessLog(o AccessLogOptions) *AccessLog {
	w := &rotatingLog[*Exchange]{
		name:   "access log",
		format: AppendAccessLog,
		at:     func(ex *Exchange) time.Time { return ex.Finished },
		key:    LogLocation.Key,
	}
	w.start(o)
	return &AccessLog{w: w}
}

// Observe queues a copy of ex for the log (the router reuses ex once Observe returns). It never
// blocks: when the buffer is full, or after Close, the entry is dropped and counted.
func (l *AccessLog) Observe(ex *Exchange) { l.w.observe(ex.Clone()) }

// Dropped returns how many entries were dropped because the writer fell behind.
func (l *AccessLog) Dropped() uint64 { return l.w.dropped.Load() }

// Close writes the entries already queued, finishes the current file (gzip and upload), and
// waits for uploads in flight or for ctx to end.
func (l *AccessLog) Close(ctx context.Context) error { return l.w.close(ctx) }
