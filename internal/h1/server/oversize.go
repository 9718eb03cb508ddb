package server

import (
	"bytes"
	"errors"
	"time"

	"github.com/albatross-lb/albatross/internal/h1/wire"
)

// handOverOversize gives the connection to Server.OversizeHead when its next head exceeds
// LIM-01's limits and the server has such a taker, and reports whether it did. The taker gets
// the head's bytes read so far (a copy) and the connection without a deadline; the loop then
// forgets the connection as it does a hijacked one.
func (c *conn) handOverOversize(err error) bool {
	if c.srv.OversizeHead == nil || !isSizeLimit(err) {
		return false
	}
	buffered := bytes.Clone(c.in.buf[c.in.r:c.in.w])
	c.mu.Lock()
	c.phase = phaseHijacked
	c.mu.Unlock()
	_ = c.nc.SetReadDeadline(time.Time{})
	c.srv.OversizeHead(c.nc, buffered)
	return true
}

func isSizeLimit(err error) bool {
	return errors.Is(err, wire.ErrRequestLineTooLong) || errors.Is(err, wire.ErrHeaderLineTooLong) ||
		errors.Is(err, wire.ErrHeadTooLarge)
}
