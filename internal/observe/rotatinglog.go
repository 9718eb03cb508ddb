package observe

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// rotatingLog is the writer shared by the access log (LOG-01) and the connection log (CLOG-01):
// Observe queues an entry without blocking, a writer goroutine formats it into the period's
// file (plain text while the period lasts, so that it can be followed with tail -f), and at the
// period's end the file is gzipped to its final .log.gz name and handed to the Uploader.
type rotatingLog[T any] struct {
	opts AccessLogOptions
	// name prefixes the writer's warnings, e.g. "access log".
	name string
	// format appends an entry's line; at is the entry's time, which picks its period; key names
	// the file of a period.
	format func([]byte, T) []byte
	at     func(T) time.Time
	key    func(l LogLocation, end time.Time, random string) string

	entries chan T
	dropped atomic.Uint64
	done    chan struct{}
	stopped chan struct{}
	once    sync.Once
	uploads sync.WaitGroup
}

// start fills o's defaults and starts the writer goroutine.
func (l *rotatingLog[T]) start(o AccessLogOptions) {
	if o.Interval <= 0 {
		o.Interval = DefaultLogInterval
	}
	if o.Buffer <= 0 {
		o.Buffer = 4096
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	l.opts = o
	l.entries = make(chan T, o.Buffer)
	l.done = make(chan struct{})
	l.stopped = make(chan struct{})
	go l.run()
}

func (l *rotatingLog[T]) observe(e T) {
	select {
	case l.entries <- e:
	default:
		l.dropped.Add(1)
	}
}

func (l *rotatingLog[T]) close(ctx context.Context) error {
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

func (l *rotatingLog[T]) run() {
	defer close(l.stopped)
	var f *periodFile
	// timer fires at the end of f's period. It is reset whenever write switches files: an entry
	// of the next period can arrive before the old period's timer fires, which must then not
	// finish the new file early.
	timer := time.NewTimer(0)
	timer.Stop()
	for {
		select {
		case e := <-l.entries:
			prev := f
			if f = l.write(f, e); f != prev {
				timer.Stop()
				if f != nil {
					timer.Reset(time.Until(f.end))
				}
			}
		case <-timer.C:
			l.finish(f)
			f = nil
		case <-l.done:
			for {
				select {
				case e := <-l.entries:
					f = l.write(f, e)
				default:
					l.finish(f)
					return
				}
			}
		}
	}
}

// formatRecovered is format with a panic (a bug formatting an entry) costing that entry only: it
// is counted as dropped, the panic is reported (albatross_panics_total{component="log_writer"}),
// and nothing is written for it.
func (l *rotatingLog[T]) formatRecovered(b []byte, e T) (out []byte) {
	defer func() {
		if v := recover(); v != nil {
			Panicked(context.Background(), l.opts.Logger, "log_writer", v, slog.String("log", l.name))
			l.dropped.Add(1)
			out = b
		}
	}()
	return l.format(b, e)
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

// write appends e to the file of its period, starting a new file (and finishing the old one)
// when the period changed. It flushes when no other entry waits, so the file stays current.
func (l *rotatingLog[T]) write(f *periodFile, e T) *periodFile {
	at := l.at(e)
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
			l.opts.Logger.Warn(l.name+": cannot open file", "error", err)
			l.dropped.Add(1)
			return nil
		}
	}
	f.scratch = l.formatRecovered(f.scratch[:0], e)
	if _, err := f.buf.Write(f.scratch); err != nil {
		l.dropped.Add(1)
	}
	if len(l.entries) == 0 {
		_ = f.buf.Flush()
	}
	return f
}

func (l *rotatingLog[T]) open(end time.Time) (*periodFile, error) {
	key := l.key(l.opts.Location, end, randomSuffix())
	rel, err := logFilePath(l.opts.Location.Bucket, key)
	if err != nil {
		return nil, err
	}
	// Through os.Root, so that not even a symbolic link planted in the log folder leads out.
	root, err := os.OpenRoot(l.opts.Dir)
	if err != nil {
		if err := os.MkdirAll(l.opts.Dir, 0o755); err != nil {
			return nil, err
		}
		if root, err = os.OpenRoot(l.opts.Dir); err != nil {
			return nil, err
		}
	}
	defer root.Close()
	if err := root.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
		return nil, err
	}
	plainRel := rel[:len(rel)-len(".gz")]
	file, err := root.OpenFile(plainRel, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	plain := filepath.Join(l.opts.Dir, plainRel)
	return &periodFile{end: end, key: key, path: plain, file: file, buf: bufio.NewWriterSize(file, 64<<10)}, nil
}

// logFilePath is the file's path below the log folder: <bucket>/<key>. Validation keeps bucket
// and prefix in their forms (config: s3Bucket, s3Prefix); this refuses anything that would still
// leave the folder, whatever produced the values.
func logFilePath(bucket, key string) (string, error) {
	rel := filepath.Join(bucket, filepath.FromSlash(key))
	if strings.ContainsAny(bucket, `/\`) || !filepath.IsLocal(rel) || !strings.HasSuffix(rel, ".gz") {
		return "", fmt.Errorf("log file %q leaves the log folder", path.Join(bucket, key))
	}
	return rel, nil
}

// finish closes f, compresses it to its .log.gz name, and uploads it.
func (l *rotatingLog[T]) finish(f *periodFile) {
	if f == nil {
		return
	}
	err := errors.Join(f.buf.Flush(), f.file.Close())
	var gz []byte
	if err == nil {
		gz, err = compressFile(f.path)
	}
	if err != nil {
		l.opts.Logger.Warn(l.name+": cannot finish file", "file", f.path, "error", err)
		return
	}
	if l.opts.Uploader == nil {
		return
	}
	bucket, key := l.opts.Location.Bucket, f.key
	l.uploads.Go(func() {
		defer Recover(l.opts.Logger, "log_upload")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := l.opts.Uploader.Upload(ctx, bucket, key, gz); err != nil {
			l.opts.Logger.Warn(l.name+": upload failed; the file stays on disk", "bucket", bucket, "key", key, "error", err)
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
