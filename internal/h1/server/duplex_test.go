package server

import (
	"errors"
	"net/http"
	"testing"
)

// The loop settles the body before the response head, as net/http's HTTP/1 server does, so a
// handler asking for full duplex hears that it is not supported.
func TestEnableFullDuplexNotSupported(t *testing.T) {
	var w response
	if err := http.NewResponseController(&w).EnableFullDuplex(); !errors.Is(err, http.ErrNotSupported) {
		t.Fatalf("EnableFullDuplex = %v; want http.ErrNotSupported", err)
	}
}
