package main

import "testing"

func TestObjectKey(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, path, want string
		wantErr          bool
	}{
		{desc: "path without its leading slash", path: "/assets/style.css", want: "assets/style.css"},
		{desc: "percent-decoded: the ALB passes the path raw", path: "/assets/a%20b.css", want: "assets/a b.css"},
		{desc: "nested keys", path: "/assets/img/200.jpg", want: "assets/img/200.jpg"},
		{desc: "a folder is not an asset", path: "/assets/", wantErr: true},
		{desc: "bad percent-encoding", path: "/assets/%zz", wantErr: true},
		{desc: "dot-dot segment", path: "/assets/../secret", wantErr: true},
		{desc: "encoded dot-dot segment", path: "/assets/%2e%2e/secret", wantErr: true},
		{desc: "dots inside a name are fine", path: "/assets/app..min.js", want: "assets/app..min.js"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := objectKey(tc.path)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("objectKey(%q) = %q, %v; want %q, error %v", tc.path, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestETagMatches(t *testing.T) {
	t.Parallel()
	const etag = `"0cc175b9c0f1b6a831c399e269772661"`
	testCases := []struct {
		desc, header string
		want         bool
	}{
		{desc: "same strong tag", header: etag, want: true},
		{desc: "weak comparison ignores W/", header: `W/` + etag, want: true},
		{desc: "one of a list", header: `"x", ` + etag, want: true},
		{desc: "star matches any current object", header: "*", want: true},
		{desc: "other tag", header: `"x"`, want: false},
		{desc: "unquoted tag is a different tag", header: "0cc175b9c0f1b6a831c399e269772661", want: false},
		{desc: "no header", header: "", want: false},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := etagMatches(tc.header, etag); got != tc.want {
				t.Errorf("etagMatches(%q) = %v, want %v", tc.header, got, tc.want)
			}
		})
	}
}

func TestSendAsText(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, contentType string
		body              []byte
		want              bool
	}{
		{desc: "css", contentType: "text/css; charset=utf-8", body: []byte("a{}"), want: true},
		{desc: "javascript", contentType: "application/javascript", body: []byte("1"), want: true},
		{desc: "json suffix type", contentType: "application/manifest+json", body: []byte("{}"), want: true},
		{desc: "svg", contentType: "image/svg+xml", body: []byte("<svg/>"), want: true},
		{desc: "jpeg is binary", contentType: "image/jpeg", body: []byte{0xff, 0xd8}, want: false},
		{desc: "text that is not UTF-8 goes base64", contentType: "text/plain", body: []byte{0xff, 0xfe}, want: false},
		{desc: "unparsable type", contentType: "text/", body: []byte("a"), want: false},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := sendAsText(tc.contentType, tc.body); got != tc.want {
				t.Errorf("sendAsText(%q) = %v, want %v", tc.contentType, got, tc.want)
			}
		})
	}
}

func TestContentType(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, key, stored, want string
	}{
		{desc: "stored type wins", key: "assets/x.css", stored: "text/plain", want: "text/plain"},
		{desc: "S3's generic default falls back to the extension", key: "assets/200.jpg", stored: "binary/octet-stream", want: "image/jpeg"},
		{desc: "none stored", key: "assets/app.js", stored: "", want: "text/javascript; charset=utf-8"},
		{desc: "unknown extension", key: "assets/blob.zzz", stored: "", want: "application/octet-stream"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := contentType(tc.key, tc.stored); got != tc.want {
				t.Errorf("contentType(%q, %q) = %q, want %q", tc.key, tc.stored, got, tc.want)
			}
		})
	}
}
