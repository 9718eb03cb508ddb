package process

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// PeerCheckSupported says whether OwnsPeer can tell processes apart on this platform.
const PeerCheckSupported = true

// OwnsPeer reports whether the TCP connection from client to server (both as the server sees
// them, on IPv4) was opened by a process of this environment: the kernel's socket table gives
// the inode of the client's end, and one of the environment's processes must hold a descriptor
// for that socket. A foreign process, even one of the same user that read the address from
// /proc/<pid>/environ, does not.
func (p *Process) OwnsPeer(client, server netip.AddrPort) bool {
	inode, ok := socketInode(client, server)
	if !ok {
		return false
	}
	target := "socket:[" + inode + "]"
	for _, pid := range p.Tree() {
		if holds(pid, target) {
			return true
		}
	}
	return false
}

// socketInode finds the socket whose local end is client and remote end is server in
// /proc/net/tcp, the table of the network namespace albatross lives in.
func socketInode(client, server netip.AddrPort) (string, bool) {
	client = netip.AddrPortFrom(client.Addr().Unmap(), client.Port())
	server = netip.AddrPortFrom(server.Addr().Unmap(), server.Port())
	local, remote, ok := procNetAddr(client), procNetAddr(server), client.Addr().Is4() && server.Addr().Is4()
	if !ok {
		return "", false
	}
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) > 9 && fields[1] == local && fields[2] == remote {
			return fields[9], fields[9] != "0"
		}
	}
	return "", false
}

// procNetAddr formats an IPv4 address and port as /proc/net/tcp does: the address's four bytes
// read as a native-endian integer, in hex, then the port.
func procNetAddr(a netip.AddrPort) string {
	ip := a.Addr().As4()
	return fmt.Sprintf("%08X:%04X", binary.NativeEndian.Uint32(ip[:]), a.Port())
}

// holds reports whether process pid has a descriptor whose link is target.
func holds(pid int, target string) bool {
	dir := "/proc/" + strconv.Itoa(pid) + "/fd"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if link, err := os.Readlink(dir + "/" + e.Name()); err == nil && link == target {
			return true
		}
	}
	return false
}
