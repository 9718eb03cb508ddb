package forwarded

import "testing"

// TestHost covers HOST-01 and T33.
func TestHost(t *testing.T) {
	testCases := []struct {
		desc     string
		host     string
		port     int
		absolute string
		preserve bool
		want     string
	}{
		{desc: "T33 port appended on a non-default listener", host: "example.com", port: 8080, want: "example.com:8080"},
		{desc: "existing port kept on a non-default listener", host: "example.com:9000", port: 8080, want: "example.com:9000"},
		{desc: "empty port replaced", host: "example.com:", port: 8080, want: "example.com:8080"},
		{desc: "port removed on 80", host: "example.com:80", port: 80, want: "example.com"},
		{desc: "any port removed on 443", host: "example.com:8443", port: 443, want: "example.com"},
		{desc: "no port on 443 stays", host: "example.com", port: 443, want: "example.com"},
		{desc: "lowercased", host: "Ex.COM", port: 80, want: "ex.com"},
		{desc: "absolute-form host wins", host: "example.com", port: 80, absolute: "DNS_name", want: "dns_name"},
		{desc: "absolute-form host with port on 8080 kept", host: "example.com", port: 8080, absolute: "dns:81", want: "dns:81"},
		{desc: "IPv6 literal gets the port", host: "[2001:DB8::1]", port: 8080, want: "[2001:db8::1]:8080"},
		{desc: "IPv6 literal loses the port on 80", host: "[::1]:80", port: 80, want: "[::1]"},
		{desc: "HTTP/1.0 without Host stays empty", host: "", port: 8080, want: ""},
		{desc: "preserve returns the header unchanged", host: "Ex.com:80", port: 8080, absolute: "other", preserve: true, want: "Ex.com:80"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := Host(tc.host, tc.port, tc.absolute, tc.preserve); got != tc.want {
				t.Errorf("Host(%q, %d, %q, %v) = %q, want %q", tc.host, tc.port, tc.absolute, tc.preserve, got, tc.want)
			}
		})
	}
}

// TestProtoPort covers XFP-01: values from the listener, never from the client.
func TestProtoPort(t *testing.T) {
	t.Parallel()
	if Proto(true) != "https" || Proto(false) != "http" || Port(8443) != "8443" {
		t.Errorf("Proto/Port = %q %q %q", Proto(true), Proto(false), Port(8443))
	}
}

// TestIsHopByHop covers HOP-02 / T14 names in any case.
func TestIsHopByHop(t *testing.T) {
	testCases := []struct {
		name string
		want bool
	}{
		{"Connection", true}, {"transfer-encoding", true}, {"KEEP-ALIVE", true}, {"Upgrade", true}, {"te", true},
		{"Content-Length", false}, {"Set-Cookie", false}, {"X-Forwarded-For", false},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := IsHopByHop(tc.name); got != tc.want {
				t.Errorf("IsHopByHop(%q) = %v", tc.name, got)
			}
		})
	}
}

func BenchmarkHost(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Host("example.com", 8080, "", false)
	}
}
