package client

import (
	"sync/atomic"

	"github.com/albatross-lb/albatross/internal/h1/sock"
)

// readPolicy chooses, per target, whether send reads right after writing a request or lets the
// poller wait for the answer first (sock.WriteRead). Which is cheaper depends on where the
// target runs, which no setting says: a target on another machine, or one busy on the same CPU
// under load, has not answered yet, and the read right after the write finds nothing (a system
// call, then the poller's wait anyway); an idle target on the same CPU runs as soon as the
// write wakes it and has answered before this goroutine reads, and waiting for the poller then
// costs a trip through the scheduler and an epoll_wait instead of one read
// (bench/RESULTS.md, "Reads that find nothing": 7 % more CPU per request at c = 1 without
// this). So what the reads find decides: score rises when a read right after the write found
// the answer and falls when it found nothing, within ±scoreLimit; while it is above zero send
// reads first, else it waits, and every probeEvery-th send reads first anyway to see whether
// the target changed.
type readPolicy struct {
	score atomic.Int32
	sends atomic.Uint32
}

const (
	scoreLimit = 8
	probeEvery = 16
)

// readFirst reports whether the next send reads right after its write.
func (p *readPolicy) readFirst() bool {
	if p.score.Load() > 0 {
		return true
	}
	return p.sends.Add(1)%probeEvery == 0
}

// observe counts what a read right after a write found.
func (p *readPolicy) observe(first sock.First) {
	step := int32(0)
	switch first {
	case sock.FirstFound:
		step = 1
	case sock.FirstEmpty:
		step = -1
	default:
		return
	}
	for {
		s := p.score.Load()
		next := min(max(s+step, -scoreLimit), scoreLimit)
		if next == s || p.score.CompareAndSwap(s, next) {
			return
		}
	}
}
