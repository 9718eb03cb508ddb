package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/albatross-lb/albatross/internal/importer/bundle"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// captureTimeout bounds a whole capture: a few hundred Describe calls at most.
const captureTimeout = 5 * time.Minute

// capture writes a describe bundle of a running ALB (AWS's, or Albatross's own API) that
// `serve --config BUNDLE` replays. Credentials and region come from the AWS SDK's usual chain.
func capture(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("capture", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint-url", "", "ELBv2 and Lambda API `URL` (default: AWS's endpoints for the region)")
	lbNames := fs.String("load-balancer", "", "capture only these load balancers (`NAME[,NAME...]`; default all)")
	region := fs.String("region", "", "AWS `region` (default: as the AWS SDK finds it)")
	output := fs.String("o", "", "write the bundle to `FILE` (default standard output)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "albatross capture: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), captureTimeout)
	defer cancel()
	var opts []func(*awsconfig.LoadOptions) error
	if *region != "" {
		opts = append(opts, awsconfig.WithRegion(*region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		fmt.Fprintln(stderr, "albatross capture:", err)
		return 1
	}
	elbClient := elb.NewFromConfig(cfg, func(o *elb.Options) {
		if *endpoint != "" {
			o.BaseEndpoint = aws.String(*endpoint)
		}
	})
	lambdaClient := lambda.NewFromConfig(cfg, func(o *lambda.Options) {
		if *endpoint != "" {
			o.BaseEndpoint = aws.String(*endpoint)
		}
	})
	var names []string
	if *lbNames != "" {
		names = strings.Split(*lbNames, ",")
	}
	b, err := bundle.Capture(ctx, elbClient, lambdaClient, cfg.Region, names)
	if err != nil {
		fmt.Fprintln(stderr, "albatross capture:", err)
		return 1
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		fmt.Fprintln(stderr, "albatross capture:", err)
		return 1
	}
	data = append(data, '\n')
	if *output == "" {
		_, err = stdout.Write(data)
	} else {
		err = os.WriteFile(*output, data, 0o600)
	}
	if err != nil {
		fmt.Fprintln(stderr, "albatross capture:", err)
		return 1
	}
	return 0
}
