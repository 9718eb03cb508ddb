package runtimeapi

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRoundTrip is one invocation through the Runtime API: Dispatch, the runtime's
// GET /next, its POST /response, Dispatch's return. The runtime is a raw client on one
// keep-alive connection that sends exactly what aws-lambda-go sends (a chunked body with
// declared trailers, B.2) and allocates little, so that the allocations and time are mostly the
// server's. It uses the package's exported API only, so that it can be run on an older tree
// for an A/B comparison.
func BenchmarkRoundTrip(b *testing.B) {
	for _, size := range []int{64, 4 << 10} {
		b.Run(fmt.Sprintf("event-%dB", size), func(b *testing.B) {
			s, err := New(Config{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			rt, err := dialRawRuntime(s.Addr())
			if err != nil {
				b.Fatal(err)
			}
			defer rt.close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			runtimeDone := make(chan error, 1)
			go func() { runtimeDone <- rt.loop(ctx) }()

			inv := &Invocation{Payload: bytes.Repeat([]byte("e"), size), Deadline: time.Now().Add(time.Hour),
				InvokedFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:bench",
				TraceID:            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"}
			ids := make([]string, 1024)
			for i := range ids {
				ids[i] = fmt.Sprintf("8476a536-e9f4-11e8-9739-2dfe598c%04d", i)
			}
			b.ReportAllocs()
			b.SetBytes(int64(size))
			cpu := processCPU()
			i := 0
			for b.Loop() {
				inv.RequestID = ids[i%len(ids)]
				i++
				res, err := s.Dispatch(ctx, inv)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Payload) != size || res.Error {
					b.Fatalf("result %+v", res)
				}
			}
			b.StopTimer()
			// CPU time is steadier than wall time on a shared machine; it counts the runtime's
			// side too, which is the same in any A/B of the server.
			b.ReportMetric(float64((processCPU()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
			cancel()
			_ = s.Close()
			if err := <-runtimeDone; err != nil && ctx.Err() == nil {
				b.Fatal(err)
			}
		})
	}
}

// processCPU is the user and system CPU time the process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rawRuntime is the benchmark's runtime: it echoes each event back as the response.
type rawRuntime struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
	body []byte
}

func dialRawRuntime(addr string) (*rawRuntime, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &rawRuntime{conn: c, r: bufio.NewReaderSize(c, 16<<10), w: bufio.NewWriterSize(c, 16<<10)}, nil
}

func (rt *rawRuntime) close() { _ = rt.conn.Close() }

const (
	rawNext = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
		"User-Agent: aws-lambda-go/go1.26\r\nAccept-Encoding: gzip\r\n\r\n"
	rawPostHead = " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: aws-lambda-go/go1.26\r\n" +
		"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n" +
		"Trailer: Lambda-Runtime-Function-Error-Body, Lambda-Runtime-Function-Error-Type\r\n" +
		"Accept-Encoding: gzip\r\n\r\n"
)

func (rt *rawRuntime) loop(ctx context.Context) error {
	for ctx.Err() == nil {
		if _, err := rt.w.WriteString(rawNext); err != nil {
			return err
		}
		if err := rt.w.Flush(); err != nil {
			return err
		}
		status, id, err := rt.readResponse(true)
		if err != nil {
			return err
		}
		if status != 200 {
			return fmt.Errorf("GET /next: %d", status)
		}
		_, _ = rt.w.WriteString("POST /2018-06-01/runtime/invocation/")
		_, _ = rt.w.WriteString(id)
		_, _ = rt.w.WriteString("/response")
		_, _ = rt.w.WriteString(rawPostHead)
		_, _ = rt.w.WriteString(strconv.FormatInt(int64(len(rt.body)), 16))
		_, _ = rt.w.WriteString("\r\n")
		_, _ = rt.w.Write(rt.body)
		_, _ = rt.w.WriteString("\r\n0\r\n\r\n")
		if err := rt.w.Flush(); err != nil {
			return err
		}
		if status, _, err = rt.readResponse(false); err != nil {
			return err
		}
		if status != 202 {
			return fmt.Errorf("POST /response: %d", status)
		}
	}
	return ctx.Err()
}

// readResponse reads a response with a Content-Length body into rt.body and returns its status
// and, for GET /next, the request ID.
func (rt *rawRuntime) readResponse(wantID bool) (status int, id string, err error) {
	line, err := rt.r.ReadSlice('\n')
	if err != nil {
		return 0, "", err
	}
	if len(line) < 12 {
		return 0, "", fmt.Errorf("status line %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, "", err
	}
	length := -1
	for {
		line, err := rt.r.ReadSlice('\n')
		if err != nil {
			return 0, "", err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, "", err
			}
		case wantID && bytes.EqualFold(name, []byte("Lambda-Runtime-Aws-Request-Id")):
			id = string(value)
		}
	}
	if length < 0 {
		return 0, "", textproto.ProtocolError("no Content-Length")
	}
	if wantID {
		if cap(rt.body) < length {
			rt.body = make([]byte, length)
		}
		rt.body = rt.body[:length]
		_, err = io.ReadFull(rt.r, rt.body)
	} else {
		_, err = rt.r.Discard(length)
	}
	return status, id, err
}
