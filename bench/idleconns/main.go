// Command idleconns measures what idle keep-alive client connections cost a proxy: it reads the
// resident memory of the proxy's processes, opens N connections that each send one request and
// read its answer, leaves them idle, reads the memory again and prints the difference per
// connection. bench/idle.sh runs it against Albatross and nginx.
//
//	idleconns --addr 127.0.0.1:PORT --path /bench/hello --pid PID [-n 10000]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "", "proxy `host:port`")
	path := flag.String("path", "/bench/hello", "request `path`")
	pid := flag.Int("pid", 0, "proxy process `id` (its children are counted too)")
	n := flag.Int("n", 10000, "idle connections to hold")
	settle := flag.Duration("settle", 2*time.Second, "wait before the second reading")
	flag.Parse()
	if *addr == "" || *pid == 0 {
		fmt.Fprintln(os.Stderr, "idleconns: --addr and --pid are required")
		os.Exit(2)
	}
	before := rss(*pid)
	conns := make([]net.Conn, 0, *n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	req := "GET " + *path + " HTTP/1.1\r\nHost: bench\r\n\r\n"
	for i := range *n {
		c, err := net.DialTimeout("tcp", *addr, 10*time.Second)
		if err != nil {
			fmt.Fprintf(os.Stderr, "idleconns: connection %d: %v\n", i, err)
			os.Exit(1)
		}
		conns = append(conns, c)
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.WriteString(c, req); err != nil {
			fmt.Fprintf(os.Stderr, "idleconns: write %d: %v\n", i, err)
			os.Exit(1)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			fmt.Fprintf(os.Stderr, "idleconns: answer %d: %v\n", i, err)
			os.Exit(1)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	time.Sleep(*settle)
	after := rss(*pid)
	fmt.Printf("connections %d\nrss_before_kib %d\nrss_after_kib %d\nbytes_per_connection %d\n",
		*n, before, after, (after-before)*1024/int64(*n))
}

// rss is the resident memory in KiB of pid and its children (nginx's workers).
func rss(pid int) int64 {
	total := vmRSS(pid)
	children, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, f := range strings.Fields(string(children)) {
		if child, err := strconv.Atoi(f); err == nil {
			total += vmRSS(child)
		}
	}
	return total
}

func vmRSS(pid int) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kib
		}
	}
	return 0
}
