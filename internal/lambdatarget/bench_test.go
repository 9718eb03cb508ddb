package lambdatarget

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// benchRequest is a typical browser request as the listener hands it over.
func benchRequest(body string) *http.Request {
	header := append(append([][2]string{}, forwarded...),
		[2]string{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"},
		[2]string{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
		[2]string{"Accept-Encoding", "gzip, deflate, br"}, [2]string{"Accept-Language", "en-US,en;q=0.9"},
		[2]string{"Cookie", "session=0123456789abcdef; theme=dark"}, [2]string{"Content-Type", "application/json"})
	return newRequest("POST", "/api/items/42?expand=owner&fields=a,b", body, header)
}

func BenchmarkEvent(b *testing.B) {
	for _, size := range []int{0, 1 << 10, 64 << 10} {
		body := strings.Repeat(`{"k":"v"}`, size/9)
		b.Run("body-"+strconv.Itoa(size)+"B", func(b *testing.B) {
			target := New(Options{TargetGroupARN: testARN})
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				b.StopTimer()
				r := benchRequest(body)
				b.StartTimer()
				if _, err := target.Event(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseResponse(b *testing.B) {
	payload := []byte(`{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,` +
		`"headers":{"Content-Type":"application/json","Cache-Control":"no-store","X-Request-Id":"abc123","Set-Cookie":"a=1; Path=/"},` +
		`"body":"` + strings.Repeat(`{\"k\":\"v\"}`, 100) + `"}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := parseResponse(payload, false, false); err != nil {
			b.Fatal(err)
		}
	}
}
