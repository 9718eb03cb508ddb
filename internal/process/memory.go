//go:build unix

package process

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssSampleInterval bounds how often MaxRSS walks /proc. Walking the process tree costs tens of
// microseconds, a third of a warm invocation's overhead when done on every REPORT line; the peak
// only grows, so a sample up to this old is a close lower bound.
const rssSampleInterval = time.Second

// rssSample is the last MaxRSS reading of a process.
type rssSample struct {
	mu    sync.Mutex
	value int64
	at    time.Time
}

// MaxRSS returns the peak resident memory in bytes of the process and its living descendants:
// the sum of VmHWM from /proc/<pid>/status over the process tree, for REPORT's Max Memory Used.
// It reads /proc at most once per rssSampleInterval and returns the last reading in between.
// After the process exited it returns the kernel's ru_maxrss for it. It returns 0 when nothing
// can be read (for example on systems without /proc).
func (p *Process) MaxRSS() int64 {
	select {
	case <-p.exited:
		return p.exit.MaxRSS
	default:
	}
	p.rss.mu.Lock()
	defer p.rss.mu.Unlock()
	if !p.rss.at.IsZero() && time.Since(p.rss.at) < rssSampleInterval {
		return p.rss.value
	}
	var total int64
	for _, pid := range p.Tree() {
		total += vmHWM(pid)
	}
	p.rss.value = max(p.rss.value, total)
	p.rss.at = time.Now()
	return p.rss.value
}

// descendants lists pid and, through /proc/<pid>/task/<tid>/children, every living descendant.
func descendants(pid int) []int {
	seen := map[int]bool{}
	queue := []int{pid}
	for len(queue) > 0 && len(seen) < 4096 {
		cur := queue[0]
		queue = queue[1:]
		if seen[cur] {
			continue
		}
		seen[cur] = true
		queue = append(queue, children(cur)...)
	}
	out := make([]int, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	return out
}

func children(pid int) []int {
	base := "/proc/" + strconv.Itoa(pid) + "/task"
	tasks, err := os.ReadDir(base)
	if err != nil {
		return nil
	}
	var out []int
	for _, task := range tasks {
		b, err := os.ReadFile(base + "/" + task.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(f); err == nil {
				out = append(out, child)
			}
		}
	}
	return out
}

// vmHWM reads the "VmHWM: N kB" line of /proc/<pid>/status, in bytes.
func vmHWM(pid int) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0
		}
		return kb * 1024
	}
	return 0
}
