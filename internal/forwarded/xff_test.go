package forwarded

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

// TestForwardedFor covers XFF-01..04 and T18/T19.
func TestForwardedFor(t *testing.T) {
	v4 := netip.MustParseAddrPort("203.0.113.7:51234")
	v6 := netip.MustParseAddrPort("[2001:db8:85a3:8d3:1319:8a2e:370:7348]:8080")
	mapped := netip.MustParseAddrPort("[::ffff:203.0.113.7]:51234")
	thirty := strings.TrimSuffix(strings.Repeat("10.0.0.1, ", 30), ", ")
	testCases := []struct {
		desc      string
		incoming  []string
		client    netip.AddrPort
		mode      Mode
		port      bool
		wantValue string
		wantOK    bool
		wantAddrs int
	}{
		{desc: "T18 append, no incoming", client: v4, wantValue: "203.0.113.7", wantOK: true},
		{desc: "T18 append with client port (XFF-02)", client: v4, port: true, wantValue: "203.0.113.7:51234", wantOK: true},
		{desc: "T18 IPv6 with client port is bracketed", client: v6, port: true, wantValue: "[2001:db8:85a3:8d3:1319:8a2e:370:7348]:8080", wantOK: true},
		{desc: "IPv6 without port is bare (XFF-02)", client: v6, wantValue: "2001:db8:85a3:8d3:1319:8a2e:370:7348", wantOK: true},
		{desc: "IPv4-mapped client is written as IPv4", client: mapped, port: true, wantValue: "203.0.113.7:51234", wantOK: true},
		{desc: "XFF-01 append after the incoming list", incoming: []string{"127.0.0.4, 127.0.0.8"},
			client: netip.MustParseAddrPort("127.0.0.1:9"), wantValue: "127.0.0.4, 127.0.0.8, 127.0.0.1", wantOK: true, wantAddrs: 2},
		{desc: "XFF-04 several lines are merged in order", incoming: []string{"1.1.1.1", "2.2.2.2, 3.3.3.3"},
			client: v4, wantValue: "1.1.1.1, 2.2.2.2, 3.3.3.3, 203.0.113.7", wantOK: true, wantAddrs: 3},
		{desc: "empty incoming line counts as absent", incoming: []string{" "}, client: v4, wantValue: "203.0.113.7", wantOK: true},
		{desc: "entries are not validated, only counted", incoming: []string{"unknown,,  x"}, client: v4,
			wantValue: "unknown,,  x, 203.0.113.7", wantOK: true, wantAddrs: 2},
		{desc: "client port is ignored outside append (XFF-02)", incoming: []string{"1.1.1.1"}, client: v4, mode: Preserve, port: true,
			wantValue: "1.1.1.1", wantOK: true, wantAddrs: 1},
		{desc: "preserve keeps the header as is", incoming: []string{"1.1.1.1,2.2.2.2"}, client: v4, mode: Preserve,
			wantValue: "1.1.1.1,2.2.2.2", wantOK: true, wantAddrs: 2},
		{desc: "preserve: absent stays absent", client: v4, mode: Preserve, wantOK: false},
		{desc: "remove drops the header", incoming: []string{"1.1.1.1"}, client: v4, mode: Remove, wantOK: false, wantAddrs: 1},
		{desc: "30 addresses are accepted (LIM-03)", incoming: []string{thirty}, client: v4,
			wantValue: thirty + ", 203.0.113.7", wantOK: true, wantAddrs: 30},
		{desc: "T19 31 addresses are counted in append", incoming: []string{thirty, "10.0.0.2"}, client: v4,
			wantValue: thirty + ", 10.0.0.2, 203.0.113.7", wantOK: true, wantAddrs: 31},
		{desc: "T19 31 addresses are counted in remove too (XFF-03)", incoming: []string{thirty + ",10.0.0.2"}, client: v4,
			mode: Remove, wantAddrs: 31},
		{desc: "CR/LF never reach the output", incoming: []string{"1.1.1.1\r\nX-Evil: 1"}, client: v4, mode: Preserve,
			wantValue: "1.1.1.1  X-Evil: 1", wantOK: true, wantAddrs: 1},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			value, ok, addrs := ForwardedFor(tc.incoming, tc.client, "", tc.mode, tc.port)
			if value != tc.wantValue || ok != tc.wantOK || addrs != tc.wantAddrs {
				t.Errorf("ForwardedFor = (%q, %v, %d), want (%q, %v, %d)", value, ok, addrs, tc.wantValue, tc.wantOK, tc.wantAddrs)
			}
			if tc.wantAddrs > MaxForwardedFor != (addrs > MaxForwardedFor) {
				t.Errorf("463 decision differs")
			}
			// The connection's address, as net formats it, changes nothing but an allocation.
			remote := (&net.TCPAddr{IP: tc.client.Addr().AsSlice(), Port: int(tc.client.Port())}).String()
			if v, k, a := ForwardedFor(tc.incoming, tc.client, remote, tc.mode, tc.port); v != value || k != ok || a != addrs {
				t.Errorf("with remote address %q: (%q, %v, %d)", remote, v, k, a)
			}
		})
	}
}

// TestForwardedForCutFromRemoteAddr: the client's entry alone is cut from the connection's
// address, which already holds it, without an allocation.
func TestForwardedForCutFromRemoteAddr(t *testing.T) {
	for _, tc := range []struct {
		remote string
		port   bool
		want   string
	}{
		{"203.0.113.7:51234", true, "203.0.113.7:51234"},
		{"203.0.113.7:51234", false, "203.0.113.7"},
		{"[2001:db8::1]:8080", true, "[2001:db8::1]:8080"},
	} {
		client := netip.MustParseAddrPort(tc.remote)
		var value string
		allocs := testing.AllocsPerRun(100, func() {
			value, _, _ = ForwardedFor(nil, client, tc.remote, Append, tc.port)
		})
		if value != tc.want || allocs != 0 {
			t.Errorf("ForwardedFor(%s, port %v) = %q with %v allocations, want %q with none", tc.remote, tc.port, value, allocs, tc.want)
		}
	}
}

// TestParseMode reads every XFF-01 attribute value and rejects others.
func TestParseMode(t *testing.T) {
	testCases := []struct {
		desc    string
		in      string
		want    Mode
		wantErr bool
	}{
		{desc: "default", in: "", want: Append},
		{desc: "append", in: "append", want: Append},
		{desc: "preserve", in: "preserve", want: Preserve},
		{desc: "remove", in: "remove", want: Remove},
		{desc: "wrong case", in: "Append", wantErr: true},
		{desc: "unknown", in: "replace", wantErr: true},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, err := ParseMode(tc.in)
			if (err != nil) != tc.wantErr || (!tc.wantErr && got != tc.want) {
				t.Errorf("ParseMode(%q) = %v, %v", tc.in, got, err)
			}
			if !tc.wantErr && tc.in != "" && got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

// FuzzForwardedFor: never panics, never emits CR/LF, always counts consistently.
func FuzzForwardedFor(f *testing.F) {
	f.Add("127.0.0.4, 127.0.0.8", "2.2.2.2", []byte{127, 0, 0, 1}, uint16(80), uint8(0), true)
	f.Add("", "", []byte{0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint16(8080), uint8(1), false)
	f.Add("a\r\nb", ",,,", []byte{}, uint16(0), uint8(2), true)
	f.Fuzz(func(t *testing.T, line1, line2 string, ip []byte, port uint16, mode uint8, withPort bool) {
		addr, _ := netip.AddrFromSlice(ip)
		client := netip.AddrPortFrom(addr, port)
		value, ok, addrs := ForwardedFor([]string{line1, line2}, client, "", Mode(mode%3), withPort)
		// The connection's address only spares an allocation: the value is the same with it.
		for _, remote := range []string{client.String(), net.JoinHostPort(addr.String(), strconv.Itoa(int(port)))} {
			if v, k, a := ForwardedFor([]string{line1, line2}, client, remote, Mode(mode%3), withPort); v != value || k != ok || a != addrs {
				t.Fatalf("with remote address %q: %q %v %d, without: %q %v %d", remote, v, k, a, value, ok, addrs)
			}
		}
		if strings.ContainsAny(value, "\r\n") {
			t.Fatalf("CR/LF in %q", value)
		}
		if !ok && value != "" {
			t.Fatalf("removed header with value %q", value)
		}
		if addrs < 0 || addrs > len(line1)+len(line2) {
			t.Fatalf("addrs %d out of range", addrs)
		}
	})
}

func BenchmarkForwardedForAppend(b *testing.B) {
	client := netip.MustParseAddrPort("203.0.113.7:51234")
	in := []string{"198.51.100.1, 198.51.100.2"}
	b.ReportAllocs()
	for b.Loop() {
		ForwardedFor(in, client, "", Append, true)
	}
}
