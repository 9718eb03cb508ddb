// Command fnbench is the function benchmark's load generator and reporter (bench/lambda/run.sh):
//
//	fnbench load  -system NAME -url URL [-c N] [-d 8s] [-warmup 2s] [-pids P,Q] [-expect S]...
//	fnbench cold  -system NAME -url URL [-ready URL | -ready-tcp HOST:PORT] [-expect S]...
//	fnbench table -runs runs.tsv [-cold cold.tsv]
//
// load keeps N keep-alive connections busy for a duration and prints one line of runs.tsv:
// successful answers per second, p50 and p99 latency of the successful answers, and CPU µs per
// successful answer of the serving processes (the given PIDs and all their descendants, so that
// function processes count). An answer is successful only when its status is 200 and its body
// contains every -expect string: the emulator answers some failures with 200 and an error document.
//
// cold waits until the server is ready (a ready URL answers 200, or a TCP port accepts), then
// sends one request and prints one line of cold.tsv: the time from the request being written to
// the first byte of the answer.
//
// table prints the median of each system and concurrency over the rounds as Markdown, with the
// issue's targets checked.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "load":
		err = runLoadCommand(os.Args[2:])
	case "cold":
		err = runColdCommand(os.Args[2:])
	case "table":
		err = runTableCommand(os.Args[2:], os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fnbench "+os.Args[1]+":", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: fnbench load|cold|table [flags] (fnbench load -h for flags)")
	os.Exit(2)
}
