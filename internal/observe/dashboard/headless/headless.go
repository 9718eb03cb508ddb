// Package headless drives Debian's headless Chromium for the dashboard's browser tests, over the
// DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages ended by a NUL byte on file
// descriptors 3 and 4), so no WebSocket client or browser-automation library is needed. A test
// opens a page, waits for conditions evaluated in the page (woken by DOM mutations, not by a
// clock), acts on it and takes screenshots. Test-only.
package headless

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
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
	t        testing.TB
	cmd      *exec.Cmd
	toChrome *os.File
	session  string

	mu      sync.Mutex
	nextID  int
	waiting map[int]chan reply
	readErr error
	done    chan struct{}
}

type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// Start runs bin headless with a page of width×height CSS pixels and stops it when the test ends.
func Start(t testing.TB, bin string, width, height int) *Browser {
	t.Helper()
	toChromeR, toChromeW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromChromeR, fromChromeW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--mute-audio",
		"--user-data-dir="+t.TempDir(), fmt.Sprintf("--window-size=%d,%d", width, height), "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{toChromeR, fromChromeW} // fd 3: Chromium reads, fd 4: Chromium writes
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	toChromeR.Close()
	fromChromeW.Close()
	b := &Browser{t: t, cmd: cmd, toChrome: toChromeW, waiting: map[int]chan reply{}, done: make(chan struct{})}
	go b.read(fromChromeR)
	t.Cleanup(func() {
		b.toChrome.Close() // Chromium exits when its pipe closes
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		fromChromeR.Close()
		<-b.done
		if t.Failed() {
			var lines []string
			for _, l := range strings.Split(stderr.String(), "\n") {
				if l != "" && !strings.Contains(l, "dbus") { // no D-Bus in a container: noise
					lines = append(lines, l)
				}
			}
			if len(lines) > 0 {
				t.Logf("chromium's stderr:\n%.4000s", strings.Join(lines, "\n"))
			}
		}
	})
	var target struct {
		TargetID string `json:"targetId"`
	}
	b.callSession("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	b.callSession("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached)
	b.session = attached.SessionID
	b.Call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil)
	return b
}

// read delivers Chromium's replies to their callers; events are not used.
func (b *Browser) read(r *os.File) {
	defer close(b.done)
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		msg, err := br.ReadBytes(0)
		if err != nil {
			b.mu.Lock()
			b.readErr = fmt.Errorf("chromium closed its pipe: %w", err)
			for id, ch := range b.waiting {
				close(ch)
				delete(b.waiting, id)
			}
			b.mu.Unlock()
			return
		}
		var m struct {
			ID *int `json:"id"`
			reply
		}
		if json.Unmarshal(msg[:len(msg)-1], &m) != nil || m.ID == nil {
			continue
		}
		b.mu.Lock()
		ch := b.waiting[*m.ID]
		delete(b.waiting, *m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- m.reply
		}
	}
}

// Call sends a DevTools command to the page and decodes its result into out (if not nil); the
// test fails when the command fails.
func (b *Browser) Call(method string, params any, out any) {
	b.t.Helper()
	b.callSession(b.session, method, params, out)
}

func (b *Browser) callSession(session, method string, params any, out any) {
	b.t.Helper()
	if err := b.call(session, method, params, out); err != nil {
		b.t.Fatalf("chromium %s: %v", method, err)
	}
}

func (b *Browser) call(session, method string, params any, out any) error {
	b.mu.Lock()
	if b.readErr != nil {
		b.mu.Unlock()
		return b.readErr
	}
	b.nextID++
	id := b.nextID
	ch := make(chan reply, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method, "params": params}
	if session != "" {
		msg["sessionId"] = session
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := b.toChrome.Write(append(data, 0)); err != nil {
		return err
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return b.readErr
		}
		if r.Error != nil {
			return fmt.Errorf("%d %s", r.Error.Code, r.Error.Message)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-time.After(Timeout):
		return errors.New("no answer within " + Timeout.String())
	}
}

// Navigate opens url in the page and waits until its document has loaded.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.Call("Page.navigate", map[string]any{"url": url}, nil)
	b.WaitFor(`return document.readyState === "complete" && location.href !== "about:blank"`, "the page "+url+" to load")
}

// Eval evaluates expression in the page (awaiting it when it is a promise) and decodes its
// value, which must be JSON-serialisable, into out (if not nil).
func (b *Browser) Eval(expression string, out any) {
	b.t.Helper()
	if err := b.eval(expression, out); err != nil {
		b.t.Fatalf("evaluating %.200q: %v", expression, err)
	}
}

func (b *Browser) eval(expression string, out any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	// replMode lets the same const helpers be declared by every evaluation.
	if err := b.call(b.session, "Runtime.evaluate", map[string]any{"expression": expression, "awaitPromise": true, "returnByValue": true, "replMode": true}, &r); err != nil {
		return err
	}
	if r.ExceptionDetails != nil {
		return fmt.Errorf("%s %s", r.ExceptionDetails.Text, r.ExceptionDetails.Exception.Description)
	}
	if out != nil && len(r.Result.Value) > 0 {
		return json.Unmarshal(r.Result.Value, out)
	}
	return nil
}

// WaitFor waits until body, the body of a JavaScript function, returns true in the page; any
// statements may come before its return (helpers declared with const, say). The page checks it on
// every DOM change (a MutationObserver) and change of readyState or hash, and every 250 ms for
// what no event signals, so the wait ends when the condition holds, whatever the machine's load; it fails the test after Timeout, naming what it waited for with
// the last exception the check threw and the page's text. A navigation during the wait (the page
// replaced) starts the check again in the new page.
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
	deadline := time.Now().Add(Timeout)
	for {
		var ok bool
		err := b.eval(script, &ok)
		if err == nil && ok {
			return
		}
		if err != nil && !replaced(err) {
			b.t.Fatalf("waiting for %s: %v", what, err)
		}
		if time.Now().After(deadline) {
			var page struct {
				Error string `json:"error"`
				Text  string `json:"text"`
			}
			_ = b.eval(`({error: String(window.__headlessError || ""), text: document.body ? document.body.innerText : ""})`, &page)
			b.t.Fatalf("waited %s for %s; last exception %q, last error %v; the page:\n%.6000s", Timeout, what, page.Error, err, page.Text)
		}
		// An evaluation ends without a value when the page it ran in is replaced (a navigation
		// or a redirect): check again in the new page.
		time.Sleep(50 * time.Millisecond)
	}
}

// replaced tells the errors of an evaluation whose page was replaced while it ran.
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
	var shot struct {
		Data string `json:"data"`
	}
	b.Call("Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": full}, &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// Cookies returns the browser's cookies for url as DevTools reports them.
func (b *Browser) Cookies(url string) []Cookie {
	b.t.Helper()
	var r struct {
		Cookies []Cookie `json:"cookies"`
	}
	b.Call("Network.getCookies", map[string]any{"urls": []string{url}}, &r)
	return r.Cookies
}

// Cookie is a cookie as the browser keeps it.
type Cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path"`
	HTTPOnly bool   `json:"httpOnly"`
	Secure   bool   `json:"secure"`
	SameSite string `json:"sameSite"`
}
