// Package headless drives Debian's headless Chromium for the dashboard's browser tests through
// chromedp (over its DevTools pipe). It is a thin layer that keeps the tests short: a test opens a
// page, waits for conditions evaluated in the page (woken by DOM mutations, not by a clock), acts
// on it and takes screenshots; every step fails the test, with what it waited for, instead of
// returning an error. Test-only.
package headless

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Binary returns the Chromium to run: $ALBATROSS_CHROMIUM, else the first of chromium,
// chromium-browser and google-chrome on PATH; "" when there is none.
func Binary() string {
	if p := os.Getenv("ALBATROSS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Timeout bounds every wait and command. It is generous on purpose: on a CI machine at load 20 a
// page can take tens of seconds to load and render, and a wait ends as soon as its condition
// holds, so a long bound costs a passing test nothing.
const Timeout = 3 * time.Minute

// Browser is one headless Chromium process with one page.
type Browser struct {
	t   testing.TB
	ctx context.Context // the page's chromedp context

	mu sync.Mutex
	// contexts counts the JavaScript execution contexts the page has created (one per document);
	// created is closed, and replaced, on each, so a wait whose document was replaced resumes on
	// the event of the next one.
	contexts int
	created  chan struct{}
}

// Start runs bin headless with a page of width×height CSS pixels and stops it when the test ends.
func Start(t testing.TB, bin string, width, height int) *Browser {
	t.Helper()
	var output lockedBuffer // Chromium's stdout and stderr, and chromedp's own complaints
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // tests run as root in containers
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is 64 MB in a container
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		chromedp.CombinedOutput(&output))
	logf := func(format string, args ...any) { fmt.Fprintf(&output, "chromedp: "+format+"\n", args...) }
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithLogf(logf), chromedp.WithErrorf(logf))
	b := &Browser{t: t, ctx: ctx, created: make(chan struct{})}
	t.Cleanup(func() {
		// A graceful close first (Browser.close), bounded; then the allocator kills what is left
		// and waits for the process and chromedp's goroutines to end.
		closeCtx, cancelClose := context.WithTimeout(ctx, 30*time.Second)
		_ = chromedp.Cancel(closeCtx)
		cancelClose()
		cancel()
		cancelAlloc()
		if t.Failed() {
			var lines []string
			for _, l := range strings.Split(output.String(), "\n") {
				if l != "" && !strings.Contains(l, "dbus") { // no D-Bus in a container: noise
					lines = append(lines, l)
				}
			}
			if len(lines) > 0 {
				t.Logf("chromium's output:\n%.4000s", strings.Join(lines, "\n"))
			}
		}
	})
	// The first action starts Chromium and attaches to its blank page, with no timeout of its
	// own: a context's deadline on this first run would end the browser with it.
	if err := chromedp.Listen(ctx, b.observe); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	b.do("setting the viewport", chromedp.EmulateViewport(int64(width), int64(height)))
	return b
}

// observe runs on chromedp's reading goroutine for every event of the page; it must not block.
func (b *Browser) observe(ev any) {
	if _, ok := ev.(*runtime.EventExecutionContextCreated); ok {
		b.mu.Lock()
		b.contexts++
		close(b.created)
		b.created = make(chan struct{})
		b.mu.Unlock()
	}
}

// generation returns how many execution contexts the page has created, and a channel closed on
// the next.
func (b *Browser) generation() (int, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.contexts, b.created
}

// do runs steps within Timeout and fails the test, naming what, when they fail.
func (b *Browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("chromium, %s: %v", what, err)
	}
}

// Navigate opens url in the page and waits until its document has loaded.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.do("opening "+url, chromedp.Navigate(url))
	b.WaitFor(`return document.readyState === "complete" && location.href !== "about:blank"`, "the page "+url+" to load")
}

// Eval evaluates expression in the page (awaiting it when it is a promise) and decodes its
// value, which must be JSON-serialisable, into out (if not nil).
func (b *Browser) Eval(expression string, out any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	if err := b.eval(ctx, expression, out); err != nil {
		b.t.Fatalf("evaluating %.200q: %v", expression, err)
	}
}

// replMode lets the same const helpers be declared by every evaluation.
func replMode(p *runtime.EvaluateParams) { p.ReplMode = new(true) }

func (b *Browser) eval(ctx context.Context, expression string, out any) error {
	// The raw JSON value: undefined (a statement, a click) leaves out as it is.
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expression, chromedp.EvalAwaitPromise, replMode))
	if err != nil || out == nil || len(raw) == 0 {
		return err
	}
	return json.Unmarshal(raw, out)
}

// WaitFor waits until body, the body of a JavaScript function, returns true in the page; any
// statements may come before its return (helpers declared with const, say). The page checks it on
// every DOM change (a MutationObserver) and change of readyState or hash, and every 250 ms for
// what no event signals, so the wait ends when the condition holds, whatever the machine's load;
// it fails the test after Timeout, naming what it waited for with the last exception the check
// threw and the page's text. A navigation during the wait (the page replaced) starts the check
// again in the new page, as soon as the page has created it.
func (b *Browser) WaitFor(body, what string) {
	b.t.Helper()
	script := `await new Promise(resolve => {
  const check = () => { try { return !!(() => {` + body + `
  })(); } catch (e) { window.__headlessError = String(e); return false; } };
  if (check()) { resolve(true); return; }
  let obs, timer;
  const again = () => { if (check()) { obs.disconnect(); clearInterval(timer); resolve(true); } };
  obs = new MutationObserver(again);
  obs.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener("readystatechange", again);
  addEventListener("hashchange", again);
  // What no DOM change signals (a property, a cookie) is checked again every 250 ms.
  timer = setInterval(again, 250);
})`
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	for {
		seen, next := b.generation()
		var ok bool
		err := b.eval(ctx, script, &ok)
		if err == nil && ok {
			return
		}
		if err != nil && !replaced(err) && ctx.Err() == nil {
			b.t.Fatalf("waiting for %s: %v", what, err)
		}
		// The evaluation ended without its value because its document was replaced (a navigation
		// or a redirect): check again in the new one, once the page has created it.
		if now, _ := b.generation(); now == seen {
			select {
			case <-next:
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			var page struct {
				Error string `json:"error"`
				Text  string `json:"text"`
			}
			last, cancelLast := context.WithTimeout(b.ctx, 30*time.Second)
			_ = b.eval(last, `({error: String(window.__headlessError || ""), text: document.body ? document.body.innerText : ""})`, &page)
			cancelLast()
			b.t.Fatalf("waited %s for %s; last exception %q, last error %v; the page:\n%.6000s", Timeout, what, page.Error, err, page.Text)
		}
	}
}

// replaced tells the errors of an evaluation whose document was replaced while it ran.
func replaced(err error) bool {
	for _, s := range []string{"context was destroyed", "Cannot find context", "navigated or closed", "Promise was collected"} {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

// Screenshot saves the page as a PNG at path; with full, the whole document, not only the
// window.
func (b *Browser) Screenshot(path string, full bool) {
	b.t.Helper()
	shot := chromedp.CaptureScreenshot()
	if full {
		shot = chromedp.FullScreenshot(100) // quality 100: PNG
	}
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		b.t.Fatalf("chromium, screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// Cookies returns the browser's cookies for url as DevTools reports them.
func (b *Browser) Cookies(url string) []Cookie {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	got, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	})
	if err != nil {
		b.t.Fatalf("chromium, cookies of %s: %v", url, err)
	}
	var cookies []Cookie
	for _, c := range got.Cookies {
		cookies = append(cookies, Cookie{Name: c.Name, Value: c.Value, Path: c.Path, HTTPOnly: c.HTTPOnly,
			Secure: c.Secure, SameSite: string(c.SameSite)})
	}
	return cookies
}

// Cookie is a cookie as the browser keeps it.
type Cookie struct {
	Name     string
	Value    string
	Path     string
	HTTPOnly bool
	Secure   bool
	SameSite string // "Strict", "Lax", "None" or "" (not set)
}

// lockedBuffer collects Chromium's output, written by chromedp's goroutines, for the test's log.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
