package elberr

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// Server is the Server header value of ALB-generated responses (HDR-RESP-02).
const Server = "awselb/2.0"

// DetailHeader carries Error.Detail to the client (strict mode only).
const DetailHeader = "X-Albatross-Error"

// Writer writes the load balancer's own responses (§7) for one listener. The zero value behaves
// like an ALB with default attributes whose listener cannot resume hijacked connections. A Writer
// is a plain value: safe for concurrent use as long as its fields are not changed. ResponseWriter
// wrappers between the server and Writer must implement Unwrap() http.ResponseWriter (as
// http.ResponseController expects), or the raw path is unavailable and net/http's phrase is sent.
type Writer struct {
	// OmitServer drops the Server header, as routing.http.response.server.enabled=false does
	// (HDR-RESP-01). Default false: every generated response carries Server: awselb/2.0.
	OmitServer bool

	// Resume, when set, takes over an HTTP/1.x connection after Writer wrote a response on it
	// directly (see raw.go), so that the client may keep using it (keep-alive, as ERR-BODY
	// observed for 503). Resume must serve the connection or close it, and must not block for
	// long: it runs on the request's goroutine. Nil means the function WithResume put in the
	// request's context; without either, such connections get Connection: close and are closed
	// after the response.
	Resume func(net.Conn)
}

// Write writes e as the ALB would (see Writer.Error). serverHeader is
// routing.http.response.server.enabled (default true). Connections are resumed through the
// function WithResume put in the request's context, if any.
func Write(w http.ResponseWriter, r *http.Request, e *Error, serverHeader bool) error {
	return Writer{OmitServer: !serverHeader}.Error(w, r, e)
}

// WriteRedirect writes an ALB redirect (see Writer.Redirect); serverHeader as for Write.
func WriteRedirect(w http.ResponseWriter, r *http.Request, status int, location string, serverHeader bool) error {
	return Writer{OmitServer: !serverHeader}.Redirect(w, r, status, location)
}

// Error writes the ALB-generated response for e: status line with the ALB's reason phrase, the
// ERR-BODY page, Server, Content-Type and Content-Length, Connection: close for 400 and 408, and
// X-Albatross-Error when e.Detail is set. Headers the caller put in w.Header() beforehand are
// kept. It must be called before anything else is written to w; the error it returns is for
// logs only (the client is then already lost). A nil e is answered as a 500.
func (wr Writer) Error(w http.ResponseWriter, r *http.Request, e *Error) error {
	if e == nil {
		e = &Error{Status: http.StatusInternalServerError}
	}
	if e.Detail != "" {
		w.Header().Set(DetailHeader, e.Detail)
	}
	return wr.write(w, r, e.Status)
}

// Redirect writes an ALB redirect (RDR-*, T26): status 301 or 302, Location, and the ERR-BODY
// page of that status. location must already be a valid URL.
func (wr Writer) Redirect(w http.ResponseWriter, r *http.Request, status int, location string) error {
	w.Header().Set("Location", location)
	return wr.write(w, r, status)
}

// write sends status with its page, choosing the path that puts the ALB's phrase on the wire.
func (wr Writer) write(w http.ResponseWriter, r *http.Request, status int) error {
	closeConn := mustClose(status)
	if r.ProtoMajor == 1 && http.StatusText(status) != reason(status) {
		done, err := wr.writeRaw(w, r, status, closeConn)
		if done {
			return err
		}
	}
	return wr.writeStandard(w, r, status, closeConn)
}

// writeStandard lets net/http write the response: its phrase is already the ALB's, or the
// connection is HTTP/2 (no phrases) or cannot be hijacked.
func (wr Writer) writeStandard(w http.ResponseWriter, r *http.Request, status int, closeConn bool) error {
	body := page(status)
	h := w.Header()
	if !wr.OmitServer {
		h.Set("Server", Server)
	}
	h.Set("Content-Type", "text/html")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if closeConn {
		h.Set("Connection", "close")
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := io.WriteString(w, body)
	return err
}

// mustClose says whether the ALB closes the connection after status: 400 carries
// Connection: close (ERR-BODY observation), 408 is sent because the client went idle (TMO-01),
// and 414 answers a request line the load balancer does not read past 16 K (LIM-01), so nothing
// after it can be framed. The HTTP/1.1 connection loop closes after its 414 for the same reason;
// this makes the net/http engine, which read the whole line, do the same.
func mustClose(status int) bool {
	return status == http.StatusBadRequest || status == http.StatusRequestTimeout || status == http.StatusRequestURITooLong
}

// reason is Reason with a fallback for codes the ALB never generates (a fixed-response code or a
// caller's mistake): the standard phrase, so the page is still well formed.
func reason(status int) string {
	if p := phrases[status]; p != "" {
		return p
	}
	return http.StatusText(status)
}

// page is Page with the same fallback as reason.
func page(status int) string {
	if p := pages[status]; p != "" {
		return p
	}
	return renderPage(strings.TrimSpace(strconv.Itoa(status) + " " + http.StatusText(status)))
}
