package server

import (
	"bytes"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// recordRefusal tells Server.Refused about a page the loop sent itself (status, sent bytes on
// the wire), with what c.head holds of the refused request: its line and Host when they were
// read, nothing when the line could not be (an unreadable or over-long line, ALB's
// "- http://<DNS name>:80- -"). c.head is this request's: readHead parses what arrived of a head
// it gives up on.
func (c *conn) recordRefusal(status, sent int) {
	if c.srv.Refused == nil {
		return
	}
	r := &elberr.Refusal{Status: status, SentBytes: int64(sent), Received: time.Now(), RemoteAddr: c.remoteAddr}
	fillRefusal(r, &c.head)
	c.srv.Refused(c.ctx, c.id, r)
}

// RefusalOf returns the Refusal of a head another server answered with a page of its own (the
// listener's fallback engine, net/http, whose replies it rewrites into ALB pages): raw is what
// the client sent of the request, as far as it was read.
func RefusalOf(raw []byte, status, sent int) *elberr.Refusal {
	r := &elberr.Refusal{Status: status, SentBytes: int64(sent), Received: time.Now()}
	var h wire.Head
	_, _ = h.Parse(raw) // what it could read stays in h whatever the error
	fillRefusal(r, &h)
	return r
}

// fillRefusal copies what h holds of a refused request into r: its line and Host when they were
// read, nothing when the line could not be (an unreadable or over-long line, ALB's
// "- http://<DNS name>:80- -"), and the verdict of a whole head.
func fillRefusal(r *elberr.Refusal, h *wire.Head) {
	// A line without its three parts ("GARBAGE", HTTP/0.9) is not a request line the ALB can log.
	if len(h.Method) > 0 && len(h.Target) > 0 && len(h.Proto) > 0 && h.RequestLineBytes > 0 {
		r.Method, r.Target, r.Proto = string(h.Method), string(h.Target), string(h.Proto)
		r.ReceivedBytes = int64(h.Size)
		if h.Size == 0 {
			r.ReceivedBytes = int64(h.RequestLineBytes + h.HeaderBytes) // the head as far as it was read
		}
		for i := range h.Fields {
			f := &h.Fields[i]
			switch {
			case r.Host == "" && bytes.EqualFold(f.Name, []byte("Host")):
				r.Host = string(f.Value)
			case r.UserAgent == "" && bytes.EqualFold(f.Name, []byte("User-Agent")):
				r.UserAgent = string(f.Value)
			}
		}
		if v := h.Verdict; h.Size > 0 && v.Class != wire.Compliant {
			r.Classification, r.ClassificationReason = v.Class.String(), v.Reason.String()
		}
	}
}
