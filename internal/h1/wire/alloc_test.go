package wire

import (
	"bufio"
	"bytes"
	"net/http"
	"testing"
)

// typicalHeads are what browsers, curl and load generators send.
var typicalHeads = map[string]string{
	"curl": "GET /api/v1/items?limit=10 HTTP/1.1\r\nHost: lb.example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n",
	"browser": "GET /static/app.js HTTP/1.1\r\nHost: www.example.com\r\nConnection: keep-alive\r\n" +
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36\r\n" +
		"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Encoding: gzip, deflate, br\r\n" +
		"Accept-Language: en-US,en;q=0.9\r\nCookie: session=abc123; AWSALB=xyz\r\nReferer: https://www.example.com/\r\n" +
		"Sec-Fetch-Mode: no-cors\r\nSec-Fetch-Site: same-origin\r\nCache-Control: no-cache\r\n\r\n",
	"post":    "POST /submit HTTP/1.1\r\nHost: a.example\r\nContent-Type: application/json\r\nContent-Length: 512\r\nX-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793\r\n\r\n",
	"chunked": "PUT /upload HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
}

// TestParseAllocatesNothing: a Head reused across requests allocates nothing per request.
func TestParseAllocatesNothing(t *testing.T) {
	for name, raw := range typicalHeads {
		buf := []byte(raw)
		var h Head
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := h.Parse(buf); err != nil {
				t.Fatal(err)
			}
			_ = Defensive.Decide(&h)
		})
		if allocs != 0 {
			t.Errorf("%s: %.1f allocations per parse", name, allocs)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"curl", "browser"} {
		raw := []byte(typicalHeads[name])
		b.Run("wire/"+name, func(b *testing.B) {
			var h Head
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := h.Parse(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("nethttp/"+name, func(b *testing.B) {
			rd := bytes.NewReader(raw)
			br := bufio.NewReader(rd)
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				rd.Reset(raw)
				br.Reset(rd)
				if _, err := http.ReadRequest(br); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestCanonicalHeadsReserialiseExactly: a Compliant head written the canonical way ("Name: value",
// CRLF) comes out of AppendTo byte for byte, names in their case and order.
func TestCanonicalHeadsReserialiseExactly(t *testing.T) {
	for name, raw := range typicalHeads {
		var h Head
		if _, err := h.Parse([]byte(raw)); err != nil || h.Verdict.Class != Compliant {
			t.Fatalf("%s: %v %s", name, err, h.Verdict.Reason)
		}
		if got := string(h.AppendTo(nil)); got != raw {
			t.Errorf("%s: re-serialised as %q", name, got)
		}
	}
}
