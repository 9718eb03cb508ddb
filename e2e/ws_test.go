package e2e

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	be "encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
)

// A minimal WebSocket (RFC 6455) for tests: single unfragmented text frames only.

const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

func wsAccept(key string) string {
	sum := sha1.Sum([]byte(key + wsGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// wsEcho is a target that upgrades and answers every message with "echo: " + message.
func wsEcho(w http.ResponseWriter, r *http.Request) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Accept: "+wsAccept(r.Header.Get("Sec-WebSocket-Key"))+"\r\n\r\n")
	for {
		msg, err := wsRead(brw.Reader)
		if err != nil || wsWrite(conn, "echo: "+msg, false) != nil {
			return
		}
	}
}

// wsHandshake sends the upgrade request on conn and checks the 101.
func wsHandshake(t *testing.T, conn net.Conn) *bufio.Reader {
	t.Helper()
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	k := base64.StdEncoding.EncodeToString(key)
	_, err := io.WriteString(conn, "GET /chat HTTP/1.1\r\nHost: api.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: "+k+"\r\nSec-WebSocket-Version: 13\r\n\r\n")
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != wsAccept(k) {
		t.Fatalf("upgrade answered %s %v", resp.Status, resp.Header)
	}
	return br
}

// wsWrite sends one text frame; clients mask, servers do not.
func wsWrite(w io.Writer, msg string, mask bool) error {
	frame := []byte{0x81}
	maskBit := byte(0)
	if mask {
		maskBit = 0x80
	}
	switch n := len(msg); {
	case n < 126:
		frame = append(frame, maskBit|byte(n))
	case n < 1<<16:
		frame = append(frame, maskBit|126)
		frame = be.BigEndian.AppendUint16(frame, uint16(n))
	default:
		return errors.New("message too long for this test client")
	}
	payload := []byte(msg)
	if mask {
		key := make([]byte, 4)
		_, _ = rand.Read(key)
		frame = append(frame, key...)
		for i := range payload {
			payload[i] ^= key[i%4]
		}
	}
	_, err := w.Write(append(frame, payload...))
	return err
}

// wsRead reads one unfragmented text frame and unmasks it.
func wsRead(r *bufio.Reader) (string, error) {
	head := make([]byte, 2)
	if _, err := io.ReadFull(r, head); err != nil {
		return "", err
	}
	if head[0] != 0x81 {
		return "", errors.New("not a final text frame")
	}
	n := int(head[1] & 0x7f)
	if n == 126 {
		ext := make([]byte, 2)
		if _, err := io.ReadFull(r, ext); err != nil {
			return "", err
		}
		n = int(be.BigEndian.Uint16(ext))
	} else if n == 127 {
		return "", errors.New("frame too long for this test")
	}
	var key []byte
	if head[1]&0x80 != 0 {
		key = make([]byte, 4)
		if _, err := io.ReadFull(r, key); err != nil {
			return "", err
		}
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return "", err
	}
	for i := range payload {
		if key != nil {
			payload[i] ^= key[i%4]
		}
	}
	return string(payload), nil
}
