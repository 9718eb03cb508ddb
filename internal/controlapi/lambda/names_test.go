package lambda

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateFunctionRefusesPathNames: a FunctionName that would name a folder outside the code
// folder is a ValidationException before anything is written (docs/security.md).
func TestCreateFunctionRefusesPathNames(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("bootstrap")
	_, _ = w.Write([]byte("#!/bin/sh\n"))
	_ = zw.Close()
	zipped := base64.StdEncoding.EncodeToString(buf.Bytes())
	for _, name := range []string{"../x", "../../../../tmp/x", "a/b", "..", ".", "x\x00", strings.Repeat("a", 65), "fn.v1"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newTestHandler(t, nil)
			top := filepath.Dir(h.opts.CodeDir)
			before := listTree(t, top)
			body := `{"FunctionName":` + quote(name) + `,"Runtime":"provided.al2023","Handler":"x","Role":"arn:aws:iam::000000000000:role/r","Code":{"ZipFile":"` + zipped + `"}}`
			rec := serve(h, http.MethodPost, "/2015-03-31/functions", body)
			if rec.Code != http.StatusBadRequest || rec.Header().Get("X-Amzn-ErrorType") != "ValidationException" {
				t.Fatalf("status %d %s %s; want 400 ValidationException", rec.Code, rec.Header().Get("X-Amzn-ErrorType"), rec.Body)
			}
			if after := listTree(t, top); after != before {
				t.Errorf("files changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// listTree names every path below dir.
func listTree(t *testing.T, dir string) string {
	t.Helper()
	var paths []string
	_ = filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			paths = append(paths, p)
		}
		return nil
	})
	return strings.Join(paths, " ")
}
