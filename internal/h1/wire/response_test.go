package wire

import (
	"bufio"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// responseCases are response heads and what Parse makes of them: accepted with a framing, or
// refused with the error that makes the load balancer answer 502.
var responseCases = []struct {
	name    string
	raw     string
	err     error
	status  int
	length  int64
	chunked bool
	close   bool
}{
	{name: "plain", raw: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", status: 200, length: 2},
	{name: "no reason phrase", raw: "HTTP/1.1 204\r\n\r\n", status: 204, length: -1},
	{name: "empty reason phrase", raw: "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", status: 404},
	{name: "bare LF lines", raw: "HTTP/1.1 200 OK\nContent-Length: 1\n\n", status: 200, length: 1},
	{name: "chunked", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n", status: 200, length: -1, chunked: true},
	{name: "chunked and length: chunked, then close", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
		status: 200, length: -1, chunked: true, close: true},
	{name: "equal lengths repeated", raw: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", status: 200, length: 3},
	{name: "connection close", raw: "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\n\r\n", status: 200, length: -1, close: true},
	{name: "HTTP/1.0 closes", raw: "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", status: 200, close: true},
	{name: "HTTP/1.0 keep-alive", raw: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", status: 200},
	{name: "obs-text in a value", raw: "HTTP/1.1 200 OK\r\nX: caf\xc3\xa9\r\n\r\n", status: 200, length: -1},
	{name: "1xx", raw: "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n", status: 103, length: -1},

	{name: "not HTTP", raw: "SSH-2.0-OpenSSH_9.6\r\n\r\n", err: ErrMalformedResponse},
	{name: "HTTP/2 status line", raw: "HTTP/2 200\r\n\r\n", err: ErrMalformedResponse},
	{name: "lowercase version", raw: "http/1.1 200 OK\r\n\r\n", err: ErrMalformedResponse},
	{name: "two-digit status", raw: "HTTP/1.1 20 OK\r\n\r\n", err: ErrMalformedResponse},
	{name: "status glued to the phrase", raw: "HTTP/1.1 200OK\r\n\r\n", err: ErrMalformedResponse},
	{name: "status 099", raw: "HTTP/1.1 099 X\r\n\r\n", err: ErrMalformedResponse},
	{name: "control character in the phrase", raw: "HTTP/1.1 200 O\x01K\r\n\r\n", err: ErrMalformedResponse},
	{name: "space before the colon", raw: "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n", err: ErrMalformedResponse},
	{name: "obs-fold", raw: "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", err: ErrMalformedResponse},
	{name: "no colon", raw: "HTTP/1.1 200 OK\r\nX\r\n\r\n", err: ErrMalformedResponse},
	{name: "empty name", raw: "HTTP/1.1 200 OK\r\n: x\r\n\r\n", err: ErrMalformedResponse},
	{name: "NUL in a value", raw: "HTTP/1.1 200 OK\r\nX: a\x00b\r\n\r\n", err: ErrMalformedResponse},
	{name: "bare CR in a value", raw: "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", err: ErrMalformedResponse},
	{name: "different lengths", raw: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", err: ErrResponseFraming},
	{name: "signed length", raw: "HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\n", err: ErrResponseFraming},
	{name: "length list", raw: "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n", err: ErrResponseFraming},
	{name: "length overflow", raw: "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", err: ErrResponseFraming},
	{name: "gzip coding", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", err: ErrResponseFraming},
	{name: "chunked on HTTP/1.0", raw: "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", err: ErrResponseFraming},
	{name: "chunked twice", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", err: ErrResponseFraming},
	{name: "chunked not last", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", err: ErrResponseFraming},
}

func TestResponseParse(t *testing.T) {
	for _, tc := range responseCases {
		t.Run(tc.name, func(t *testing.T) {
			var h Response
			buf := []byte(tc.raw + "body")
			n, err := h.Parse(buf, 32<<10)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if err != nil {
				return
			}
			if n != len(tc.raw) || h.Status != tc.status || h.ContentLength != tc.length || h.Chunked != tc.chunked || h.Close != tc.close {
				t.Errorf("n=%d status=%d length=%d chunked=%v close=%v, want %d %d %d %v %v",
					n, h.Status, h.ContentLength, h.Chunked, h.Close, len(tc.raw), tc.status, tc.length, tc.chunked, tc.close)
			}
			for i := range len(tc.raw) - 1 {
				if _, err := h.Parse([]byte(tc.raw[:i]), 32<<10); !errors.Is(err, ErrIncomplete) {
					t.Fatalf("prefix of %d bytes: %v, want ErrIncomplete", i, err)
				}
			}
		})
	}
}

// TestResponseLimit is LIM-01's 32 K response head at its edge, before and after the LF.
func TestResponseLimit(t *testing.T) {
	const limit = 32 << 10
	head := func(size int) string {
		pre := "HTTP/1.1 200 OK\r\nX: "
		return pre + strings.Repeat("v", size-len(pre)-4) + "\r\n\r\n"
	}
	var h Response
	if _, err := h.Parse([]byte(head(limit)), limit); err != nil {
		t.Errorf("head of exactly 32 K: %v", err)
	}
	if _, err := h.Parse([]byte(head(limit+1)), limit); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("head of 32 K + 1: %v", err)
	}
	if _, err := h.Parse([]byte(head(limit + 100)[:limit+10]), limit); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("32 K without the end of the head yet: %v", err)
	}
}

func TestTrailerParse(t *testing.T) {
	var h Response
	n, err := h.ParseTrailer([]byte("X-Sum: 1\r\nX-Other:  2 \r\n\r\nnext"), 1024)
	if err != nil || n != len("X-Sum: 1\r\nX-Other:  2 \r\n\r\n") || len(h.Fields) != 2 || string(h.Fields[1].Value) != "2" {
		t.Fatalf("n=%d err=%v fields=%q", n, err, h.Fields)
	}
}

// FuzzResponse checks, for any bytes: no panic; slices inside the head; every proper prefix of
// an accepted head incomplete; and whatever Parse accepts, net/http's response reader accepts
// with the same status, fields and framing.
func FuzzResponse(f *testing.F) {
	for _, tc := range responseCases {
		f.Add([]byte(tc.raw))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		buf := slices.Clip(slices.Clone(data))
		var h Response
		n, err := h.Parse(buf, 4096)
		if err != nil {
			if n != 0 {
				t.Fatalf("error %v with n=%d", err, n)
			}
			return
		}
		if n > len(buf) || n > 4096 {
			t.Fatalf("n=%d beyond the buffer or limit", n)
		}
		for _, fl := range h.Fields {
			if !within(buf, fl.Name, n) || !within(buf, fl.Value, n) {
				t.Fatalf("field %q outside the head", fl.Name)
			}
		}
		for i := range n {
			if _, err := h.Parse(buf[:i], 4096); !errors.Is(err, ErrIncomplete) {
				t.Fatalf("prefix %d: %v", i, err)
			}
		}
		_, _ = h.Parse(buf, 4096)
		resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(string(buf[:n]))), nil)
		if err != nil {
			t.Fatalf("accepted here, refused by net/http: %v", err)
		}
		if resp.StatusCode != h.Status {
			t.Fatalf("status %d, net/http %d", h.Status, resp.StatusCode)
		}
		bodyAllowed := h.Status >= 200 && h.Status != http.StatusNoContent && h.Status != http.StatusNotModified
		if bodyAllowed && h.Chunked != slices.Contains(resp.TransferEncoding, "chunked") {
			t.Fatalf("chunked %v, net/http %q", h.Chunked, resp.TransferEncoding)
		}
		if bodyAllowed && !h.Chunked && h.ContentLength >= 0 && resp.ContentLength != h.ContentLength {
			t.Fatalf("length %d, net/http %d", h.ContentLength, resp.ContentLength)
		}
		for _, fl := range h.Fields {
			name := http.CanonicalHeaderKey(string(fl.Name))
			if name == "Transfer-Encoding" || name == "Content-Length" || name == "Connection" {
				continue
			}
			if !slices.Contains(resp.Header[name], string(fl.Value)) {
				t.Fatalf("field %s: %q, net/http %q", name, fl.Value, resp.Header[name])
			}
		}
	})
}
