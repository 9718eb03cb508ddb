// Command freeport prints N TCP ports on 127.0.0.1 that the kernel reports free, one a line. All
// N are held open together before any is released, so they are distinct.
//
//	freeport -n 4
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
)

func main() {
	n := flag.Int("n", 1, "how many ports (1..64)")
	flag.Parse()
	if *n < 1 || *n > 64 {
		fmt.Fprintln(os.Stderr, "freeport: -n must be 1..64")
		os.Exit(2)
	}
	listeners := make([]net.Listener, 0, *n)
	for range *n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, "freeport:", err)
			os.Exit(1)
		}
		listeners = append(listeners, l)
	}
	for _, l := range listeners {
		fmt.Println(l.Addr().(*net.TCPAddr).Port)
		_ = l.Close()
	}
}
