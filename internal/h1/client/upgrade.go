package client

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// upgrade completes a 101 Switching Protocols: when the target switched to the protocol the
// client asked for (WebSocket, see upgradeToken), the client connection is taken over, the 101
// is relayed, and bytes are copied both ways until either side ends or the idle timeout cuts
// the target connection. A target that switches to anything else gets the client a 502.
func (ex *exchange) upgrade(requested string) error {
	cn := ex.conn
	switched := ""
	for _, f := range cn.head.Fields {
		if equalFoldBytes(f.Name, "Upgrade") {
			switched = string(f.Value)
			break
		}
	}
	if requested == "" || !strings.EqualFold(requested, switched) {
		return fmt.Errorf("target switched protocol %q when %q was requested", switched, requested)
	}
	h := ex.w.Header()
	for _, f := range cn.head.Fields {
		key := canonicalKey(f.Name)
		h[key] = append(h[key], string(f.Value))
	}
	client, brw, err := http.NewResponseController(ex.w).Hijack()
	if err != nil {
		return fmt.Errorf("taking over the client connection for the upgrade: %w", err)
	}
	defer client.Close()
	_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\n")
	_ = h.Write(brw)
	_, _ = brw.WriteString("\r\n")
	if _, err := brw.Write(cn.buffered()); err != nil {
		return nil
	}
	cn.consume(len(cn.buffered()))
	if err := brw.Flush(); err != nil {
		return nil
	}
	// What the client sent after its request, already read by the server, goes first.
	toTarget := make(chan struct{})
	go func() {
		defer close(toTarget)
		if n := brw.Reader.Buffered(); n > 0 {
			pending, _ := brw.Reader.Peek(n)
			if _, err := cn.nc.Write(pending); err != nil {
				cn.close()
				client.Close()
				return
			}
		}
		_, _ = io.Copy(cn.nc, client)
		cn.close()
		client.Close()
	}()
	_, _ = io.Copy(client, cn.nc)
	client.Close()
	cn.close()
	<-toTarget
	return nil
}
