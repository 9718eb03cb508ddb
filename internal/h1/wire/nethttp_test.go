package wire

import (
	"bufio"
	"bytes"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"
)

// agreeWithNetHTTP compares a head both parsers accept: method, target, version, Host, every
// other field (net/http canonicalises names and lifts Host, Transfer-Encoding and, for chunked
// bodies, Content-Length out of Header) and the body framing. It returns "" when they agree.
func agreeWithNetHTTP(h *Head, r *http.Request) string {
	switch {
	case string(h.Method) != r.Method:
		return "method " + string(h.Method) + " vs " + r.Method
	case string(h.Target) != r.RequestURI:
		return "target " + string(h.Target) + " vs " + r.RequestURI
	case string(h.Proto) != r.Proto:
		return "proto " + string(h.Proto) + " vs " + r.Proto
	}
	mine := http.Header{}
	host := ""
	for _, f := range h.Fields {
		name := textproto.CanonicalMIMEHeaderKey(string(f.Name))
		switch name {
		case "Host":
			host = string(f.Value)
		case "Transfer-Encoding":
		case "Content-Length":
			if h.Framing != FramingChunked {
				mine.Add(name, string(f.Value))
			}
		default:
			mine.Add(name, string(f.Value))
		}
	}
	theirs := r.Header.Clone()
	for _, values := range theirs {
		for i, v := range values {
			values[i] = strings.TrimRight(v, " \t") // net/http keeps the space of an empty fold line
		}
	}
	if len(mine["Content-Length"]) > 1 {
		mine["Content-Length"] = mine["Content-Length"][:1] // net/http merges equal repeats
	}
	if len(h.Target) == 0 || h.Target[0] != '/' {
		// net/http takes the host of an absolute-form or authority-form target (RFC 9112
		// section 3.2.2); that is the connection loop's rule to apply, not the parser's.
		host = r.Host
	}
	if host != strings.TrimRight(r.Host, " \t") { // net/http keeps a fold's trailing space
		return "host " + host + " vs " + r.Host
	}
	if len(mine) != len(theirs) {
		return "field count differs"
	}
	for k, v := range mine {
		if !slices.Equal(v, theirs[k]) {
			return "field " + k + ": " + strings.Join(v, ",") + " vs " + strings.Join(theirs[k], ",")
		}
	}
	switch h.Framing {
	case FramingChunked:
		if !slices.Equal(r.TransferEncoding, []string{"chunked"}) {
			return "chunked vs " + strings.Join(r.TransferEncoding, ",")
		}
	case FramingLength:
		if r.ContentLength != h.ContentLength || len(r.TransferEncoding) > 0 {
			return "content length differs"
		}
	case FramingNone:
		if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
			return "net/http expects a body"
		}
	}
	return ""
}

// readNetHTTP parses raw with net/http's server-side parser.
func readNetHTTP(raw []byte) (*http.Request, error) {
	return http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
}

// TestDifferentialNetHTTP runs every case of the guardian table and a few more through both
// parsers. Where both accept a request and Albatross would forward it, they must see the same
// request. Where only one accepts, the case must be one docs/engine.md lists.
func TestDifferentialNetHTTP(t *testing.T) {
	raws := []string{
		"GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5\r\nAccept: */*\r\n\r\n",
		"POST /submit HTTP/1.1\r\nHost: a:8080\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n",
		"PUT /x HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\ncookie: a=1\r\ncookie: b=2\r\n\r\n",
		"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"GET http://a.example/p HTTP/1.1\r\nHost: a.example\r\n\r\n",
	}
	for _, tc := range guardianCases {
		raws = append(raws, tc.raw)
	}
	// Accepted by net/http, refused or not forwarded by Albatross (docs/engine.md "Differences
	// from net/http").
	onlyNetHTTP := map[string]bool{}
	for _, raw := range raws {
		var h Head
		_, err := h.Parse([]byte(raw))
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		r, nerr := readNetHTTP([]byte(raw))
		forwards := Defensive.Decide(&h) != Action{Block: true}
		if (h.Major == 0 || h.Major == 1 && h.Minor == 0) && h.Framing == FramingChunked {
			// net/http ignores Transfer-Encoding before HTTP/1.1; Albatross reads the chunked body
			// and closes both connections (docs/engine.md).
			continue
		}
		switch {
		case nerr == nil && forwards:
			if diff := agreeWithNetHTTP(&h, r); diff != "" {
				t.Errorf("%q: %s", raw, diff)
			}
		case nerr == nil && !forwards:
			onlyNetHTTP[h.Verdict.Reason.String()] = true
			t.Logf("net/http accepts, Albatross blocks (%s): %q", h.Verdict.Reason, raw)
		}
	}
	// The one request net/http's parser takes and defensive mode blocks: "HTTP/2.0" in an
	// HTTP/1 request line (net/http's server then answers 505).
	for reason := range onlyNetHTTP {
		switch reason {
		case "BadVersion":
		default:
			t.Errorf("net/http accepts a request blocked for %s: document it or fix it", reason)
		}
	}
}
