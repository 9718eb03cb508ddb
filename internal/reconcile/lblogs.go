package reconcile

import (
	"context"
	"errors"
	"sync"

	"github.com/albatross-lb/albatross/internal/observe"
)

// lbLogs keeps one log file writer per load balancer (its access log, or its connection log)
// across reloads, so that a reload which does not change where a load balancer logs keeps the
// file it is writing. A build stages the logs it wants (stage); only a committed build makes them
// live and finishes the ones it no longer wants, so a rejected reload leaves logging untouched.
type lbLogs[L logWriter] struct {
	mu   sync.Mutex
	live map[string]lbLog[L] // by load balancer name
	// finishing tracks the logs being finished after a commit, for close to wait for.
	finishing sync.WaitGroup
}

// logWriter is what lbLogs needs of a log: *observe.AccessLog and *observe.ConnectionLog.
type logWriter interface {
	comparable
	Close(ctx context.Context) error
}

// lbLog is a load balancer's log and where it writes.
type lbLog[L logWriter] struct {
	loc observe.LogLocation
	log L
}

func newLBLogs[L logWriter]() *lbLogs[L] { return &lbLogs[L]{live: map[string]lbLog[L]{}} }

// stagedLogs are the logs one build wants: the live ones it keeps and the ones it opened.
type stagedLogs[L logWriter] struct {
	from   *lbLogs[L]
	next   map[string]lbLog[L]
	opened []L
}

func (s *lbLogs[L]) stage() *stagedLogs[L] {
	return &stagedLogs[L]{from: s, next: map[string]lbLog[L]{}}
}

// use returns the log load balancer lb is to write at loc: the one already staged for lb, the live
// one when it writes at the same place, else a new one from open.
func (st *stagedLogs[L]) use(lb string, loc observe.LogLocation, open func() L) L {
	if cur, ok := st.next[lb]; ok {
		return cur.log
	}
	st.from.mu.Lock()
	cur, ok := st.from.live[lb]
	st.from.mu.Unlock()
	if !ok || cur.loc != loc {
		cur = lbLog[L]{loc: loc, log: open()}
		st.opened = append(st.opened, cur.log)
	}
	st.next[lb] = cur
	return cur.log
}

// commit makes the staged logs live and finishes, in the background, every live log the build
// does not keep: a changed location, logging turned off, or a load balancer removed.
func (st *stagedLogs[L]) commit() {
	s := st.from
	s.mu.Lock()
	old := s.live
	s.live = st.next
	s.mu.Unlock()
	kept := map[L]bool{}
	for _, l := range st.next {
		kept[l.log] = true
	}
	for _, l := range old {
		if !kept[l.log] {
			s.finishing.Go(func() { _ = l.log.Close(context.Background()) })
		}
	}
}

// discard closes the logs a rejected build opened; they have received nothing.
func (st *stagedLogs[L]) discard() {
	for _, l := range st.opened {
		_ = l.Close(context.Background())
	}
}

// close finishes every log, waiting for ctx at most, including those a commit is finishing.
func (s *lbLogs[L]) close(ctx context.Context) error {
	s.mu.Lock()
	logs := s.live
	s.live = map[string]lbLog[L]{}
	s.mu.Unlock()
	var errs []error
	for _, l := range logs {
		errs = append(errs, l.log.Close(ctx))
	}
	s.finishing.Wait()
	return errors.Join(errs...)
}
