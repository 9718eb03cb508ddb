package e2e

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/albatross-lb/albatross/internal/observe/dashboard/headless"
)

// evilFunction is the request body of the attack: CreateFunction with a bootstrap that
// writes marker when it runs.
func evilFunction(t *testing.T, marker string) string {
	zipped := zipOf(t, map[string]string{"bootstrap": "#!/bin/sh\ntouch " + marker + "\n"})
	return `{"FunctionName":"evil","Runtime":"provided.al2023","Handler":"x","Role":"arn:aws:iam::000000000000:role/x",` +
		`"Code":{"ZipFile":"` + base64.StdEncoding.EncodeToString(zipped) + `"}}`
}

// TestAPIRefusesBrowserAttacks: the requests a web page can make without a preflight, and a
// DNS-rebinding page, are refused with 403 in the API's own error shape and change nothing; a
// path-like function name is a ValidationException that writes nothing (issue 11, points 1-2).
func TestAPIRefusesBrowserAttacks(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	api := startWithAPI(t, "", "")
	marker := filepath.Join(t.TempDir(), "pwned")
	create := api.apiURL + "/2015-03-31/functions"
	attacks := []struct {
		desc, method, target, body, code string
		header                           map[string]string
	}{
		{"cross-origin text/plain CreateFunction", "POST", create, evilFunction(t, marker), "AccessDeniedException",
			map[string]string{"Content-Type": "text/plain;charset=UTF-8", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}},
		{"the same from a browser without Fetch Metadata", "POST", create, evilFunction(t, marker), "AccessDeniedException",
			map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example"}},
		{"the same without Origin or a signature", "POST", create, evilFunction(t, marker), "MissingAuthenticationToken",
			map[string]string{"Content-Type": "text/plain"}},
		{"cross-origin invocation", "POST", create + "/evil/invocations", "{}", "AccessDeniedException",
			map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}},
		{"cross-origin form to the Query API", "POST", api.apiURL + "/", "Action=CreateTargetGroup&Name=evil&TargetType=lambda&Version=2015-12-01", "<Code>AccessDenied</Code>",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}},
		{"GET action from an <img>", "GET", api.apiURL + "/?Action=CreateTargetGroup&Name=evil&TargetType=lambda&Version=2015-12-01", "", "<Code>AccessDenied</Code>",
			map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}},
		{"DNS rebinding, signed like a client", "POST", create, evilFunction(t, marker), "AccessDeniedException",
			map[string]string{"Host": fmt.Sprintf("rebind.evil.example:%d", api.apiPort), "Content-Type": "application/json",
				"Authorization": "AWS4-HMAC-SHA256 Credential=x/20261207/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("0", 64)}},
		{"DNS rebinding reading the dashboard", "GET", api.apiURL + "/dashboard/state.json", "", "AccessDenied",
			map[string]string{"Host": "rebind.evil.example"}},
	}
	for _, a := range attacks {
		req := newRequest(t, a.method, a.target, strings.NewReader(a.body))
		for k, v := range a.header {
			if k == "Host" {
				req.Host = v
			} else {
				req.Header.Set(k, v)
			}
		}
		resp, body := do(t, client(), req)
		if got := resp.Header.Get("X-Amzn-ErrorType") + " " + string(body); resp.StatusCode != 403 || !strings.Contains(got, a.code) {
			t.Errorf("%s: %d %s; want 403 %s", a.desc, resp.StatusCode, got, a.code)
		}
	}
	ctx := context.Background()
	lc, ec := api.lambdaClient("test", "test"), api.elbClient("test", "test")
	if fns := need(lc.ListFunctions(ctx, &lambda.ListFunctionsInput{})).Functions; len(fns) != 0 {
		t.Errorf("functions after the attacks: %d; want none", len(fns))
	}
	if tgs := need(ec.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{})).TargetGroups; len(tgs) != 0 {
		t.Errorf("target groups after the attacks: %d; want none", len(tgs))
	}
	if _, err := os.Stat(filepath.Join(api.dataDir, "functions")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the attacks wrote code to the data dir: %v", err)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Error("the attacker's bootstrap ran")
	}

	// A function name that is a path: ValidationException, and nothing beside the data dir.
	_, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("../x"), Runtime: lambdatypes.RuntimeProvidedal2023,
		Handler: aws.String("x"), Role: aws.String("arn:aws:iam::000000000000:role/x"), Code: &lambdatypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"bootstrap": "x"})}})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationException" {
		t.Errorf(`CreateFunction "../x": %v; want ValidationException`, err)
	}
	var beside []string
	entries, _ := os.ReadDir(filepath.Dir(api.dataDir))
	for _, e := range entries {
		beside = append(beside, e.Name())
	}
	if len(beside) != 1 || beside[0] != "data" {
		t.Errorf("beside the data dir: %v; want only data", beside)
	}

	// A second serve on the same data dir exits at once, naming the reason.
	out, err := execCombined(binary, "serve", "--data-dir", api.dataDir)
	if exitCode(err) != 1 || !strings.Contains(out, "is in use by another albatross serve") {
		t.Errorf("second serve on the data dir: exit %d, %q; want 1 and a clear message", exitCode(err), out)
	}
}

// TestAPIWithCredentialsAndRealClients: with --api-credentials, the aws CLI and aws-sdk-go-v2
// work unmodified with the right credentials and are refused with wrong ones, and a browser
// reaches the dashboard only through its login (issue 11, point 1).
func TestAPIWithCredentialsAndRealClients(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	api := startWithAPI(t, "", "", "--api-credentials", "AKIDALBATROSS:s3cret")
	ctx := context.Background()
	fnZip := zipOf(t, map[string]string{"app.py": pyFunction("v1")})
	need(api.lambdaClient("AKIDALBATROSS", "s3cret").CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("signed"),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("app.handler"), Role: aws.String("arn:aws:iam::000000000000:role/x"),
		Code: &lambdatypes.FunctionCode{ZipFile: fnZip}}))
	_, err := api.lambdaClient("AKIDALBATROSS", "wrong").GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("signed")})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "SignatureDoesNotMatch" {
		t.Errorf("SDK with a wrong secret: %v; want SignatureDoesNotMatch", err)
	}

	bin := awsCLIs(t)[0]
	aws := newCLI(t, bin, api.apiURL)
	aws.env = append(aws.env, "AWS_ACCESS_KEY_ID=AKIDALBATROSS", "AWS_SECRET_ACCESS_KEY=s3cret")
	if out, _ := aws.run(false, "lambda", "get-function-configuration", "--function-name", "signed"); !strings.Contains(out, `"FunctionName": "signed"`) {
		t.Errorf("aws lambda get-function-configuration: %s", out)
	}
	zipPath := filepath.Join(t.TempDir(), "fn.zip")
	writeFile(t, zipPath, string(zipOf(t, map[string]string{"app.py": pyFunction("v2")})))
	if out, _ := aws.run(false, "lambda", "update-function-code", "--function-name", "signed", "--zip-file", "fileb://"+zipPath); !strings.Contains(out, `"CodeSha256"`) {
		t.Errorf("aws lambda update-function-code (a signed 1 KB body): %s", out)
	}
	if out, _ := aws.run(false, "elbv2", "create-target-group", "--name", "signed", "--target-type", "lambda"); !strings.Contains(out, "targetgroup/signed/") {
		t.Errorf("aws elbv2 create-target-group: %s", out)
	}
	aws.env = append(aws.env, "AWS_SECRET_ACCESS_KEY=wrong")
	if _, stderr := aws.run(true, "elbv2", "describe-target-groups"); !strings.Contains(stderr, "SignatureDoesNotMatch") {
		t.Errorf("aws CLI with a wrong secret: %s; want SignatureDoesNotMatch", stderr)
	}

	checkDashboardLogin(t, api.apiURL)
}

// checkDashboardLogin: the dashboard sends a browser without a session to its login, and the
// API's credentials buy a session cookie that opens it.
func checkDashboardLogin(t *testing.T, apiURL string) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, body := do(t, c, newRequest(t, "GET", apiURL+"/dashboard/", nil))
	if resp.Request.URL.Path != "/dashboard/login" || !strings.Contains(string(body), "secret_access_key") {
		t.Fatalf("the dashboard without a session: ended at %s; want the login form", resp.Request.URL)
	}
	if resp, _ := do(t, c, newRequest(t, "GET", apiURL+"/dashboard/state.json", nil)); resp.StatusCode != 401 {
		t.Errorf("state.json without a session: %d; want 401", resp.StatusCode)
	}
	login := func(secret string) *http.Response {
		req := newRequest(t, "POST", apiURL+"/dashboard/login", strings.NewReader(url.Values{"access_key_id": {"AKIDALBATROSS"}, "secret_access_key": {secret}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", apiURL)
		resp, _ := do(t, c, req)
		return resp
	}
	if resp := login("wrong"); resp.StatusCode != 403 {
		t.Errorf("login with a wrong secret: %d; want 403", resp.StatusCode)
	}
	if resp := login("s3cret"); resp.StatusCode != 200 || resp.Request.URL.Path != "/dashboard/" {
		t.Errorf("login: %d at %s; want the dashboard", resp.StatusCode, resp.Request.URL)
	}
	if resp, body := do(t, c, newRequest(t, "GET", apiURL+"/dashboard/state.json", nil)); resp.StatusCode != 200 || !strings.Contains(string(body), `"functions"`) {
		t.Errorf("state.json with the session: %d %s", resp.StatusCode, body)
	}
}

// TestDashboardAndAttackInChromium: in a real browser (Debian's chromium; skipped without), the
// dashboard served by the guarded API renders its data, and a page from another site that posts
// the CreateFunction with fetch (no-cors, text/plain) creates nothing.
func TestDashboardAndAttackInChromium(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	bin := chromiumBinary()
	if bin == "" {
		t.Skip("no chromium on PATH (apt-get install chromium, or set ALBATROSS_CHROMIUM)")
	}
	api := startWithAPI(t, "", "")
	browser := headless.Start(t, bin, 1280, 800)
	browser.Navigate(api.apiURL + "/dashboard/")
	browser.WaitFor(`return document.getElementById("status").textContent.startsWith("updated ")`, "the dashboard to render its data")

	marker := filepath.Join(t.TempDir(), "pwned")
	page := `<!doctype html><title>evil</title><div id="out">pending</div><script>
fetch(` + "`" + api.apiURL + `/2015-03-31/functions` + "`" + `, {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"},
  body: ` + "`" + evilFunction(t, marker) + "`" + `}).then(() => { document.getElementById("out").textContent = "sent"; },
  e => { document.getElementById("out").textContent = "failed " + e; });
</script>`
	evil := startBackend(t, "evil", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(page))
	}))
	// localhost, not 127.0.0.1: another site to the browser, so the request is cross-site.
	evilURL := fmt.Sprintf("http://localhost:%d/", evil.port)
	if dom := dumpDOM(t, bin, evilURL); !strings.Contains(dom, ">sent<") {
		t.Fatalf("the attacker's page did not send its request:\n%.2000s", dom)
	}
	api.waitLog("api request refused", 1)
	if fns := need(api.lambdaClient("test", "test").ListFunctions(context.Background(), &lambda.ListFunctionsInput{})).Functions; len(fns) != 0 {
		t.Errorf("functions after the attacker's page: %d; want none", len(fns))
	}
}

func chromiumBinary() string {
	if p := os.Getenv("ALBATROSS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func dumpDOM(t *testing.T, bin, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--user-data-dir="+t.TempDir(), "--virtual-time-budget=3000", "--dump-dom", url).Output()
	if err != nil {
		t.Fatalf("chromium %s: %v", url, err)
	}
	return string(out)
}
