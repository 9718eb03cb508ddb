package runtimeapi

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"testing/iotest"
)

// TestReadBody: a result body is read whole up to the limit and counted whole beyond it, on both
// sides of the scratch buffer's size, whatever sizes the reader returns; a failed read is
// reported with the bytes counted so far.
func TestReadBody(t *testing.T) {
	t.Parallel()
	big := int64(MaxPayloadSize)
	for _, tc := range []struct {
		name     string
		size     int
		limit    int64
		tooLarge bool
	}{
		{"empty", 0, 1024, false},
		{"small", 100, 1024, false},
		{"at the limit", 1024, 1024, false},
		{"one over the limit", 1025, 1024, true},
		{"far over a small limit", 100 << 10, 1024, true},
		{"the scratch size", scratchBufferSize, big, false},
		{"one over the scratch size", scratchBufferSize + 1, big, false},
		{"several scratch sizes", 5*scratchBufferSize + 7, big, false},
		{"over a limit above the scratch size", 3 * scratchBufferSize, 2 * scratchBufferSize, true},
		{"at a limit above the scratch size", 2 * scratchBufferSize, 2 * scratchBufferSize, false},
	} {
		for _, reader := range []struct {
			name string
			wrap func(io.Reader) io.Reader
		}{{"whole", func(r io.Reader) io.Reader { return r }}, {"bytewise", iotest.OneByteReader}, {"data with EOF", iotest.DataErrReader}} {
			t.Run(tc.name+"/"+reader.name, func(t *testing.T) {
				want := bytes.Repeat([]byte("abcdefg"), tc.size/7+1)[:tc.size]
				r := &http.Request{Body: io.NopCloser(reader.wrap(bytes.NewReader(want)))}
				body, size, tooLarge, err := readBody(r, tc.limit)
				if err != nil || size != int64(tc.size) || tooLarge != tc.tooLarge {
					t.Fatalf("size %d, tooLarge %v, err %v; want %d, %v, nil", size, tooLarge, err, tc.size, tc.tooLarge)
				}
				if tooLarge && body != nil || !tooLarge && !bytes.Equal(body, want) {
					t.Fatalf("body of %d bytes differs (tooLarge %v)", len(body), tooLarge)
				}
			})
		}
	}
	failing := &http.Request{Body: io.NopCloser(io.MultiReader(bytes.NewReader(make([]byte, 40<<10)), iotest.ErrReader(io.ErrUnexpectedEOF)))}
	if body, size, _, err := readBody(failing, big); err != io.ErrUnexpectedEOF || body != nil || size != 40<<10 {
		t.Fatalf("failing body: %d bytes, size %d, err %v", len(body), size, err)
	}
}
