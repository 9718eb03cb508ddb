package headless

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/albatross-lb/albatross/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestDriver: a page whose text changes after a click that a timer answers, and a property set
// with no DOM change; the waits end on them, Eval reads values back, the session cookie's
// attributes are the browser's, and the screenshot is a PNG.
func TestDriver(t *testing.T) {
	bin := Binary()
	if bin == "" {
		t.Skip("no chromium on PATH (scripts/install-test-deps.sh, or set ALBATROSS_CHROMIUM)")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "c", Value: "v", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		_, _ = w.Write([]byte(`<!doctype html><button id=b onclick="setTimeout(() => { document.getElementById('out').textContent = 'clicked'; }, 300)">go</button><p id=out>waiting</p>`))
	}))
	defer srv.Close()
	b := Start(t, bin, 400, 300)
	b.Navigate(srv.URL + "/")
	b.Eval(`document.getElementById("b").click()`, nil)
	b.WaitFor(`return document.getElementById("out").textContent === "clicked"`, "the click's answer")
	b.Eval(`setTimeout(() => { window.flag = true; }, 300)`, nil) // no DOM change signals it
	b.WaitFor(`return window.flag === true`, "a property set by a timer")
	var got struct {
		Text   string `json:"text"`
		Cookie string `json:"cookie"`
	}
	b.Eval(`({text: document.getElementById("out").textContent, cookie: document.cookie})`, &got)
	if got.Text != "clicked" || got.Cookie != "" {
		t.Errorf("page: %+v; want clicked and no cookie visible to scripts", got)
	}
	if c := b.Cookies(srv.URL); len(c) != 1 || !c[0].HTTPOnly || c[0].SameSite != "Strict" {
		t.Errorf("cookies %+v", c)
	}
	shot := filepath.Join(t.TempDir(), "shot.png")
	b.Screenshot(shot, false)
	if png, err := os.ReadFile(shot); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("screenshot: %v %.8q", err, png)
	}
}
