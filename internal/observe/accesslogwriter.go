package observe

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Uploader stores a finished log file, e.g. as an S3 object. Upload may block; it runs on its
// own goroutine, never on a request's.
type Uploader interface {
	Upload(ctx context.Context, bucket, key string, gz []byte) error
}

// AccessLogOptions configure an AccessLog.
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
	opts    AccessLogOptions
	entries chan *Exchange
	dropped atomic.Uint64
	done    chan struct{}
	stopped chan struct{}
	once    sync.Once
	uploads sync.WaitGroup
}

// NewAccessLog starts the writer. Close stops it.
func NewAccessLog(o AccessLogOptions) *AccessLog {
	if o.Interval <= 0 {
		o.Interval = DefaultLogInterval
	}
	if o.Buffer <= 0 {
		o.Buffer = 4096
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	l := &AccessLog{opts: o, entries: make(chan *Exchange, o.Buffer), done: make(chan struct{}), stopped: make(chan struct{})}
	go l.run()
	return l
}

// Observe queues ex for the log. It never blocks: when the buffer is full, or after Close, the
// entry is dropped and counted. ex must not change afterwards.
func (l *AccessLog) Observe(ex *Exchange) {
	select {
	case l.entries <- ex:
	default:
		l.dropped.Add(1)
	}
}

// Dropped returns how many entries were dropped because the writer fell behind.
func (l *AccessLog) Dropped() uint64 { return l.dropped.Load() }

// Close writes the entries already queued, finishes the current file (gzip and upload), and
// waits for uploads in flight or for ctx to end.
func (l *AccessLog) Close(ctx context.Context) error {
	l.once.Do(func() { close(l.done) })
	select {
	case <-l.stopped:
	case <-ctx.Done():
		return ctx.Err()
	}
	waited := make(chan struct{})
	go func() { l.uploads.Wait(); close(waited) }()
	select {
	case <-waited:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *AccessLog) run() {
	defer close(l.stopped)
	var f *periodFile
	var tick <-chan time.Time
	var timer *time.Timer
	for {
		select {
		case ex := <-l.entries:
			f = l.write(f, ex)
			if f != nil && timer == nil {
				timer = time.NewTimer(time.Until(f.end))
				tick = timer.C
			}
		case <-tick:
			l.finish(f)
			f, timer, tick = nil, nil, nil
		case <-l.done:
			for {
				select {
				case ex := <-l.entries:
					f = l.write(f, ex)
				default:
					l.finish(f)
					return
				}
			}
		}
	}
}

// periodFile is the file of the period being written.
type periodFile struct {
	end     time.Time
	key     string
	path    string // the plain-text file, path of the final .log.gz without ".gz"
	file    *os.File
	buf     *bufio.Writer
	scratch []byte
}

// write appends ex to the file of its period, starting a new file (and finishing the old one)
// when the period changed. It flushes when no other entry waits, so the file stays current.
func (l *AccessLog) write(f *periodFile, ex *Exchange) *periodFile {
	at := ex.Finished
	if at.IsZero() {
		at = time.Now()
	}
	if f != nil && !at.Before(f.end) {
		l.finish(f)
		f = nil
	}
	if f == nil {
		var err error
		if f, err = l.open(periodEnd(at, l.opts.Interval)); err != nil {
			l.opts.Logger.Warn("access log: cannot open file", "error", err)
			l.dropped.Add(1)
			return nil
		}
	}
	f.scratch = AppendAccessLog(f.scratch[:0], ex)
	if _, err := f.buf.Write(f.scratch); err != nil {
		l.dropped.Add(1)
	}
	if len(l.entries) == 0 {
		_ = f.buf.Flush()
	}
	return f
}

func (l *AccessLog) open(end time.Time) (*periodFile, error) {
	key := l.opts.Location.Key(end, randomSuffix())
	full := filepath.Join(l.opts.Dir, l.opts.Location.Bucket, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return nil, err
	}
	plain := full[:len(full)-len(".gz")]
	file, err := os.OpenFile(plain, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &periodFile{end: end, key: key, path: plain, file: file, buf: bufio.NewWriterSize(file, 64<<10)}, nil
}

// finish closes f, compresses it to its .log.gz name, and uploads it.
func (l *AccessLog) finish(f *periodFile) {
	if f == nil {
		return
	}
	err := errors.Join(f.buf.Flush(), f.file.Close())
	var gz []byte
	if err == nil {
		gz, err = compressFile(f.path)
	}
	if err != nil {
		l.opts.Logger.Warn("access log: cannot finish file", "file", f.path, "error", err)
		return
	}
	if l.opts.Uploader == nil {
		return
	}
	bucket, key := l.opts.Location.Bucket, f.key
	l.uploads.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := l.opts.Uploader.Upload(ctx, bucket, key, gz); err != nil {
			l.opts.Logger.Warn("access log: upload failed; the file stays on disk", "bucket", bucket, "key", key, "error", err)
		}
	})
}

// compressFile gzips path into path+".gz", removes path, and returns the compressed bytes.
func compressFile(path string) ([]byte, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := io.Copy(zw, in); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path+".gz", out.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return out.Bytes(), os.Remove(path)
}
