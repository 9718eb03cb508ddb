package listener

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/tlsconf"
	"github.com/albatross-lb/albatross/internal/tlsconf/tlstest"
)

// bodyHandler reads the whole body and answers 200, or the ALB page of the *elberr.Error the body
// read failed with, as the router does. Each read error is sent on errs.
func bodyHandler(errs chan<- error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		errs <- err
		var e *elberr.Error
		if errors.As(err, &e) {
			_ = elberr.Write(w, r, e, true)
			return
		}
		_, _ = io.WriteString(w, "read")
	})
}

// TestStalledBodyGets408 is TMO-01 in the body phase (issue 11's reproduction): a client that
// announces 100 body bytes, sends 3 and goes quiet gets 408 and a closed connection once the idle
// timeout passes, over plain HTTP/1.1 and over TLS.
func TestStalledBodyGets408(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "https"}[secure], func(t *testing.T) {
			t.Parallel()
			errs := make(chan error, 4)
			var opts Options
			if secure {
				opts = f.options(t, tlsconf.Settings{}, tlsconf.Headers{})
			}
			opts.IdleTimeout = time.Second
			l := listen(t, bodyHandler(errs), opts)
			c := dialRaw(t, l, secure, f)
			_, _ = io.WriteString(c, "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc")
			got, err := io.ReadAll(c) // ends when the listener closes the connection
			if err != nil {
				t.Fatalf("connection not closed by the listener: %v (got %q)", err, got)
			}
			if !strings.HasPrefix(string(got), "HTTP/1.1 408 Request Time-out\r\n") || !strings.Contains(string(got), "Connection: close") {
				t.Fatalf("stalled body got %q", got)
			}
			var e *elberr.Error
			if err := <-errs; !errors.As(err, &e) || e.Status != http.StatusRequestTimeout {
				t.Fatalf("handler's body read: %v, want the 408 error", err)
			}
		})
	}
}

// dialRaw opens a connection to l with an 8 s deadline: longer than every idle timeout the tests
// use, so a read that hits it means the listener held the connection.
func dialRaw(t *testing.T, l *Listener, secure bool, f *httpsFixture) net.Conn {
	t.Helper()
	var c net.Conn
	var err error
	if secure {
		c, err = tls.Dial("tcp", l.Addr().String(), &tls.Config{RootCAs: tlstest.Pool(f.ca), ServerName: "site.test", NextProtos: []string{"http/1.1"}})
	} else {
		c, err = net.Dial("tcp", l.Addr().String())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(8 * time.Second))
	return c
}

// TestSlowReaderIsDropped is TMO-01 in the response phase: a client that sends a request and
// never reads the (large) response makes the handler's writes fail once the idle timeout passes,
// instead of holding the handler, and whatever it streams from, forever.
func TestSlowReaderIsDropped(t *testing.T) {
	t.Parallel()
	writeErr := make(chan error, 1)
	chunk := make([]byte, 64<<10)
	l := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 8 << 10 { // 512 MiB: far more than socket buffers hold
			if _, err := w.Write(chunk); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- nil
	}), Options{IdleTimeout: time.Second})
	c := dialRaw(t, l, false, nil)
	_, _ = io.WriteString(c, "GET /big HTTP/1.1\r\nHost: a\r\n\r\n")
	select {
	case err := <-writeErr:
		if err == nil {
			t.Fatal("512 MiB written to a client that reads nothing")
		}
	case <-time.After(8 * time.Second):
		t.Fatal("the handler is still writing to a client that stopped reading")
	}
}

// TestSlowTargetIsNotClientIdleness checks §12.21: once the body is read, the wait for the target
// (here a handler slower than the idle timeout) does not count as the client's silence: the
// client gets its answer, not 408 or a canceled request.
func TestSlowTargetIsNotClientIdleness(t *testing.T) {
	t.Parallel()
	l := listen(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case <-time.After(2500 * time.Millisecond):
		case <-r.Context().Done():
			http.Error(w, "canceled", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "late "+string(body))
	}), Options{IdleTimeout: time.Second})
	c := dialRaw(t, l, false, nil)
	_, _ = io.WriteString(c, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "late abc" {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
}

// TestStalledUnreadBodyIsDropped: a handler that answers without reading the body (a fixed
// response, a redirect) leaves net/http to discard it before the next request; a client that
// stalls that body has the connection closed at the idle timeout instead of holding it.
func TestStalledUnreadBodyIsDropped(t *testing.T) {
	t.Parallel()
	l := listen(t, okHandler("fixed"), Options{IdleTimeout: time.Second})
	c := dialRaw(t, l, false, nil)
	_, _ = io.WriteString(c, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc")
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("connection held after the response: %v (got %q)", err, got)
	}
	if !strings.HasPrefix(string(got), "HTTP/1.1 200 OK\r\n") {
		t.Fatalf("got %q", got)
	}
}

// TestStalledBodyOverHTTP2Gets408: the body's idle timeout holds per HTTP/2 stream too.
func TestStalledBodyOverHTTP2Gets408(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	opts := f.options(t, tlsconf.Settings{HTTP2: true}, tlsconf.Headers{})
	opts.IdleTimeout = time.Second
	errs := make(chan error, 1)
	l := listen(t, bodyHandler(errs), opts)
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() { _, _ = io.WriteString(pw, "abc") }() // then nothing
	req, _ := http.NewRequest(http.MethodPost, "https://"+l.Addr().String()+"/upload", pr)
	req.ContentLength = 100
	c := f.client(true)
	c.Timeout = 8 * time.Second
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("no answer to a stalled HTTP/2 body: %v", err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("got %s %d, want HTTP/2 408", resp.Proto, resp.StatusCode)
	}
	var e *elberr.Error
	if err := <-errs; !errors.As(err, &e) || e.Status != http.StatusRequestTimeout {
		t.Fatalf("handler's body read: %v, want the 408 error", err)
	}
}

// TestTLSHeadersSurviveConnectionNomination: a client that names the TLS headers in Connection
// cannot have them stripped on the way to the target: Connection is resolved before the listener
// adds them, so they are set and no longer named.
func TestTLSHeadersSurviveConnectionNomination(t *testing.T) {
	t.Parallel()
	f := newHTTPSFixture(t)
	l := listen(t, echoTLS, f.options(t, tlsconf.Settings{Policy: "ELBSecurityPolicy-TLS13-1-2-2021-06"},
		tlsconf.Headers{VersionAndCipher: true}))
	url := "https://" + l.Addr().String() + "/?h=X-Amzn-Tls-Version&h=Connection&h=X-Hop"
	_, body := fetch(t, f.client(false), url, "Connection", "keep-alive, X-Amzn-Tls-Version, X-Hop", "X-Hop", "1")
	if want := "HTTP/1.1 TLSv1.3|X-Amzn-Tls-Version=TLSv1.3|Connection=keep-alive|X-Hop="; body != want {
		t.Errorf("got %q, want %q", body, want)
	}
}
