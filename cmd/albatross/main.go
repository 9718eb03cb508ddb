// Command albatross runs self-hosted Application Load Balancers whose targets are HTTP servers or
// Lambda functions it runs itself.
//
//	albatross serve     run the load balancers and functions of a configuration and/or the control API
//	albatross validate  check a configuration, printing every problem
//	albatross explain   show how a configuration routes one request
//	albatross targets   show the health of every target of a running server
//	albatross diff      show how a running server's shadow targets answered, beside the primaries
//	albatross shift     show or steer a running server's gated weight shifts
//	albatross import    print the Albatross YAML equivalent of a serverless.yml, template or module
//	albatross capture   write a describe bundle of a running ALB
//	albatross version   print what this binary is (version, revision, Go version)
//
// `albatross help` prints every command with its flags.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stderr)
	case "validate":
		return validate(args[1:], stdout, stderr)
	case "targets":
		return targets(args[1:], stdout, stderr)
	case "diff":
		return diff(args[1:], stdout, stderr)
	case "shift":
		return shiftCmd(args[1:], stdout, stderr)
	case "explain":
		return runExplain(args[1:], stdout, stderr)
	case "capture":
		return capture(args[1:], stdout, stderr)
	case "import":
		return importCmd(args[1:], stdout, stderr)
	case "version", "--version":
		return version(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "albatross: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
}

// usage lists every command with every flag; TestUsageListsEveryFlag keeps it complete.
func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  albatross serve [--config PATH] [IMPORT FLAGS] [--api-addr HOST:PORT] [--data-dir DIR]
                  [--api-credentials ID:SECRET|@FILE] [--api-allow-remote]
                  [--api-allow-origin ORIGIN]... [--api-allow-host NAME]...
                  [--watch-code=true|false] [--debug-function NAME] [--concurrent-executions N]
                  [--function-uids FIRST-LAST] [--gc-floor SIZE]
                  [--log-format text|json] [--log-level debug|info|warn|error]
                  [--store etcd://HOST:PORT[,HOST:PORT...][/PREFIX]] [--store-ca FILE]
                  [--store-cert FILE] [--store-key FILE] [--store-credentials USER:PASSWORD|@FILE]
                  [--node-name NAME] [--bind-address IP]
      run the load balancers and functions of PATH (reloaded on change and on SIGHUP) and, with
      --api-addr, the ELBv2/Lambda control API, /metrics, /explain and /dashboard/
  albatross validate --config PATH [IMPORT FLAGS]
      print every problem of PATH with its path; exit 1 if there is one
  albatross explain --config PATH [IMPORT FLAGS] [-H 'Name: value']... [--source-ip IP] [--data BODY] [--compact] METHOD URL
      show, rule by rule, how PATH routes the request and the Lambda event it would send
  albatross targets --api-addr HOST:PORT [--target-group NAME] [--api-credentials ID:SECRET|@FILE]
      show the health state, reason and description of every target of a running server
  albatross diff --api-addr HOST:PORT [--rule NAME] [--bodies] [--json] [--api-credentials ID:SECRET|@FILE]
      show each shadowed rule's comparison counters, latencies and sampled mismatches with their diffs
  albatross shift --api-addr HOST:PORT [--rule NAME] [--api-credentials ID:SECRET|@FILE] [pause|resume|advance|abort]
      show each gated shift's step, weights and gates, or give the shift of --rule a command
  albatross import PATH [IMPORT FLAGS] [-o FILE]
      print the equivalent Albatross YAML, each item commented with its source
  albatross capture [--endpoint-url URL] [--load-balancer NAME[,NAME...]] [--region REGION] [-o FILE]
      write a describe bundle of a running ALB (credentials and region as the AWS SDK finds them)
  albatross version
      print the module version, VCS revision and time, whether the tree was modified, and the Go version
  albatross help
      print this text

PATH may be Albatross YAML, a Serverless service (serverless.yml), a CloudFormation or SAM
template, a Terraform module or a describe bundle. IMPORT FLAGS:
  [--format albatross|serverless|cloudformation|terraform|bundle] [--param NAME=VALUE]...
  [--stage STAGE] [--values FILE] [--port-map 80=8080,...] [--port-offset N] [--var-file FILE]...
`)
}
