// Command devloop measures the developer loop (issue 19): from saving a function's source file
// to the first response with the new code, for a Python, a Node.js and a Go function behind
// `albatross serve`, with clients calling the function without pause across every swap.
//
// usage: go run ./bench/devloop [--albatross BINARY] [--saves N] [--clients N] [--pause D]
//
// For each save it reports the time to the first new answer, the slowest request of the load
// during the swap, and (from Albatross's log) how long the reload took, the Go rebuild included.
// The cold start printed beside them is the first request of a freshly started function.
// A second table is the developer's own loop: save, look at the page after --pause, and the
// time that one request takes (no load, so the environment Albatross starts on the new code
// right after the save has had the pause to get ready).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	bin := flag.String("albatross", "", "albatross binary (default: go build ./cmd/albatross into a temporary folder)")
	saves := flag.Int("saves", 5, "saves per language")
	clients := flag.Int("clients", 2, "clients calling the function during each swap")
	pause := flag.Duration("pause", time.Second, "for the second table: time between a save and the one request after it (0: no second table)")
	flag.Parse()
	if err := run(*bin, *saves, *clients, *pause); err != nil {
		fmt.Fprintln(os.Stderr, "devloop:", err)
		os.Exit(1)
	}
}

type language struct {
	name, fn, path, file string
	source               func(version string) string
}

func run(bin string, saves, clients int, pause time.Duration) error {
	root, err := os.MkdirTemp("", "devloop-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	if bin == "" {
		bin = filepath.Join(root, "albatross")
		build := exec.Command("go", "build", "-o", bin, "./cmd/albatross")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return err
		}
	}
	langs, err := writeFunctions(root)
	if err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	config := filepath.Join(root, "albatross.yaml")
	if err := os.WriteFile(config, []byte(configFor(port, root)), 0o644); err != nil {
		return err
	}
	logs := &reloadLog{}
	cmd := exec.Command(bin, "serve", "--config", config, "--data-dir", filepath.Join(root, "data"))
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	fmt.Println("| function | save → first new answer (median, max) | reload as logged: rebuild + swap (median) | new environment's Init Duration (median) | Albatross's share: answer − debounce − reload − init (median) | slowest request during the swaps |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	var paused []string
	for _, l := range langs {
		url := base + l.path
		if err := await(url, "version 0", 3*time.Minute); err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
		var firsts, reloads, inits, shares []time.Duration
		var slowest time.Duration
		for i := 1; i <= saves; i++ {
			want := fmt.Sprintf("version %d", i)
			load := startLoad(url, clients)
			before, initsBefore := logs.count(), logs.initCount(l.fn)
			saved := time.Now()
			if err := save(l.file, l.source(want)); err != nil {
				return err
			}
			if err := await(url, want, 2*time.Minute); err != nil {
				return fmt.Errorf("%s: %w", l.name, err)
			}
			firsts = append(firsts, time.Since(saved))
			time.Sleep(200 * time.Millisecond)
			slow, failures := load.stop()
			if failures > 0 {
				logs.mu.Lock()
				tail := logs.lines.String()
				logs.mu.Unlock()
				return fmt.Errorf("%s: %d requests failed during the swap, last: %v\nwarnings and errors logged:\n%s", l.name, failures, load.lastErr.Load(), problems(tail))
			}
			slowest = maxDur(slowest, slow)
			reload, init := logs.waitNext(before), logs.waitInit(l.fn, initsBefore)
			reloads, inits = append(reloads, reload), append(inits, init)
			shares = append(shares, firsts[len(firsts)-1]-debounce-reload-init)
			// Let the loop settle: one save per reload is what is measured.
			time.Sleep(300 * time.Millisecond)
		}
		fmt.Printf("| %s | %v, %v | %v | %v | %v | %v |\n", l.name, median(firsts), slices.Max(firsts).Round(time.Millisecond),
			median(reloads), median(inits), median(shares), slowest.Round(time.Millisecond))
		if pause > 0 {
			row, err := afterPause(l, url, saves, pause)
			if err != nil {
				return fmt.Errorf("%s: %w", l.name, err)
			}
			paused = append(paused, row)
		}
	}
	if len(paused) > 0 {
		fmt.Printf("\n| function | one request %v after the save (median, max) | of them answered by the new code |\n| --- | --- | --- |\n", pause)
		for _, row := range paused {
			fmt.Println(row)
		}
	}
	return nil
}

// afterPause saves new versions with no load running and times the one request sent pause
// later, as a developer switching to the browser would send it.
func afterPause(l language, url string, saves int, pause time.Duration) (string, error) {
	var took []time.Duration
	fresh := 0
	for i := 1; i <= saves; i++ {
		want := fmt.Sprintf("paused version %d", i)
		if err := save(l.file, l.source(want)); err != nil {
			return "", err
		}
		time.Sleep(pause)
		began := time.Now()
		got, err := get(url)
		if err != nil {
			return "", err
		}
		took = append(took, time.Since(began))
		if got == want {
			fresh++
		} else if err := await(url, want, 2*time.Minute); err != nil { // a slow rebuild: wait it out
			return "", err
		}
		time.Sleep(300 * time.Millisecond)
	}
	return fmt.Sprintf("| %s | %v, %v | %d of %d |", l.name, median(took), slices.Max(took).Round(time.Millisecond), fresh, saves), nil
}

func writeFunctions(root string) ([]language, error) {
	py, node, gofn := filepath.Join(root, "py"), filepath.Join(root, "node"), filepath.Join(root, "go")
	for _, d := range []string{py, node, filepath.Join(gofn, "msg")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	langs := []language{
		{"Python 3.12", "py", "/py", filepath.Join(py, "app.py"), func(v string) string {
			return fmt.Sprintf("def handler(event, context):\n    return {\"statusCode\": 200, \"body\": %q}\n", v)
		}},
		{"Node.js 20", "node", "/node", filepath.Join(node, "index.mjs"), func(v string) string {
			return fmt.Sprintf("export const handler = async () => ({ statusCode: 200, body: %q });\n", v)
		}},
		{"Go (build: go)", "go", "/go", filepath.Join(gofn, "msg", "msg.go"), func(v string) string {
			return fmt.Sprintf("package msg\n\nconst Version = %q\n", v)
		}},
	}
	for _, l := range langs {
		if err := save(l.file, l.source("version 0")); err != nil {
			return nil, err
		}
	}
	if err := save(filepath.Join(gofn, "go.mod"), "module devloop\n\ngo 1.26\n"); err != nil {
		return nil, err
	}
	return langs, save(filepath.Join(gofn, "main.go"), goMain)
}

const goMain = `package main

import (
	"io"
	"net/http"
	"os"
	"strings"

	"devloop/msg"
)

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := http.Get(api + "next")
		if err != nil {
			os.Exit(1)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		body := "{\"statusCode\":200,\"body\":\"" + msg.Version + "\"}"
		r, err := http.Post(api+resp.Header.Get("Lambda-Runtime-Aws-Request-Id")+"/response", "application/json", strings.NewReader(body))
		if err == nil {
			r.Body.Close()
		}
	}
}
`

func configFor(port int, root string) string {
	return fmt.Sprintf(`
load_balancers:
  - name: dev
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "404"}}]
        rules:
          - {priority: 1, conditions: [{field: path-pattern, values: ["/py"]}], actions: [{type: forward, target_group_name: py}]}
          - {priority: 2, conditions: [{field: path-pattern, values: ["/node"]}], actions: [{type: forward, target_group_name: node}]}
          - {priority: 3, conditions: [{field: path-pattern, values: ["/go"]}], actions: [{type: forward, target_group_name: go}]}
target_groups:
  - {name: py, target_type: lambda, targets: [{id: py}]}
  - {name: node, target_type: lambda, targets: [{id: node}]}
  - {name: go, target_type: lambda, targets: [{id: go}]}
functions:
  - {function_name: py, runtime: python3.12, handler: app.handler, code: %q}
  - {function_name: node, runtime: nodejs20.x, handler: index.handler, code: %q}
  - {function_name: go, runtime: provided.al2023, build: go, code: %q}
`, port, filepath.Join(root, "py"), filepath.Join(root, "node"), filepath.Join(root, "go"))
}

// save writes a file the way editors do: a temporary file renamed over the original.
func save(path, content string) error {
	tmp := path + ".tmp-save"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

func get(url string) (string, error) {
	resp, err := httpClient.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s", resp.Status, body)
	}
	return string(body), err
}

// await polls url every 2 ms until it answers want.
func await(url, want string, within time.Duration) error {
	deadline := time.Now().Add(within)
	got := ""
	for time.Now().Before(deadline) {
		var err error
		if got, err = get(url); err == nil && got == want {
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return fmt.Errorf("%s answers %q, want %q", url, got, want)
}

// load is clients calling a URL without pause, keeping the slowest request and the failures.
type load struct {
	done     chan struct{}
	wg       sync.WaitGroup
	slowest  atomic.Int64
	failures atomic.Int64
	lastErr  atomic.Value
}

func startLoad(url string, clients int) *load {
	l := &load{done: make(chan struct{})}
	for range clients {
		l.wg.Go(func() {
			for {
				select {
				case <-l.done:
					return
				default:
				}
				began := time.Now()
				if _, err := get(url); err != nil {
					l.failures.Add(1)
					l.lastErr.Store(err.Error())
				}
				d := int64(time.Since(began))
				for cur := l.slowest.Load(); d > cur && !l.slowest.CompareAndSwap(cur, d); cur = l.slowest.Load() {
				}
			}
		})
	}
	return l
}

func (l *load) stop() (time.Duration, int64) {
	close(l.done)
	l.wg.Wait()
	return time.Duration(l.slowest.Load()), l.failures.Load()
}

// debounce is watch.DefaultDebounce.
const debounce = 100 * time.Millisecond

// reloadLog collects Albatross's "function code changed" lines and their took= values, and the
// Init Duration of each function's cold starts (REPORT lines).
type reloadLog struct {
	mu    sync.Mutex
	took  []time.Duration
	inits map[string][]time.Duration
	lines strings.Builder
}

var (
	tookRe = regexp.MustCompile(`function code changed.* took=(\S+)`)
	initRe = regexp.MustCompile(`Init Duration: ([0-9.]+) ms" function=(\S+)`)
)

func (r *reloadLog) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines.Write(p)
	s := bufio.NewScanner(strings.NewReader(r.lines.String()))
	r.took, r.inits = r.took[:0], map[string][]time.Duration{}
	for s.Scan() {
		if m := tookRe.FindStringSubmatch(s.Text()); m != nil {
			if d, err := time.ParseDuration(m[1]); err == nil {
				r.took = append(r.took, d)
			}
		}
		if m := initRe.FindStringSubmatch(s.Text()); m != nil {
			if d, err := time.ParseDuration(m[1] + "ms"); err == nil {
				r.inits[m[2]] = append(r.inits[m[2]], d)
			}
		}
	}
	return len(p), nil
}

func (r *reloadLog) initCount(fn string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.inits[fn])
}

// waitInit returns the Init Duration of fn's first cold start logged after the first before.
func (r *reloadLog) waitInit(fn string, before int) time.Duration {
	for range 200 {
		r.mu.Lock()
		if len(r.inits[fn]) > before {
			d := r.inits[fn][before]
			r.mu.Unlock()
			return d
		}
		r.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	return -1
}

func (r *reloadLog) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.took)
}

// waitNext returns the took= of the first reload logged after the first `before`.
func (r *reloadLog) waitNext(before int) time.Duration {
	for range 200 {
		r.mu.Lock()
		if len(r.took) > before {
			d := r.took[before]
			r.mu.Unlock()
			return d
		}
		r.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	return -1
}

// problems returns the last 40 log lines at level WARN or ERROR.
func problems(logs string) string {
	var out []string
	for line := range strings.Lines(logs) {
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
			out = append(out, line)
		}
	}
	return strings.Join(out[max(0, len(out)-40):], "")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2].Round(time.Millisecond)
}

func maxDur(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
