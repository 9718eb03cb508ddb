package observe

import "sync"

// listedSize is how many of the requests that dashboard pages were shown stay open to the detail
// view (RecentByID) after the recent ring has moved on. The ring keeps recentSize requests, which
// a few dozen requests a second turn over between two polls of the page (every 2 s): without
// this, a row the operator clicks under load is already gone.
const listedSize = 512

// listedRing keeps the last listedSize distinct requests handed to dashboard pages.
type listedRing struct {
	mu   sync.Mutex
	buf  []RecentRequest // made at the first listing: a balancer nobody watches pays nothing
	next uint64
	ids  map[uint64]struct{} // the IDs in buf
}

// keep adds the requests of lists not kept yet, oldest first, evicting the oldest kept.
func (l *listedRing) keep(lists ...[]RecentRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf == nil {
		l.buf = make([]RecentRequest, listedSize)
		l.ids = make(map[uint64]struct{}, listedSize)
	}
	for _, newestFirst := range lists {
		for i := len(newestFirst) - 1; i >= 0; i-- {
			rr := &newestFirst[i]
			if _, kept := l.ids[rr.ID]; kept {
				continue
			}
			slot := &l.buf[l.next%listedSize]
			if l.next >= listedSize {
				delete(l.ids, slot.ID)
			}
			*slot = *rr
			l.ids[rr.ID] = struct{}{}
			l.next++
		}
	}
}

func (l *listedRing) find(id uint64) (RecentRequest, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, kept := l.ids[id]; !kept {
		return RecentRequest{}, false
	}
	for i := range min(l.next, listedSize) {
		if l.buf[i].ID == id {
			return l.buf[i], true
		}
	}
	return RecentRequest{}, false
}

// ListRecent returns what a dashboard page lists, each newest first: the last finished requests
// and the last failures. They stay open to RecentByID while they are among the last listedSize
// requests so listed, however fast the traffic turns the recent ring over.
func (m *Metrics) ListRecent() (recent, failures []RecentRequest) {
	recent, failures = m.recent.snapshot(), m.failures.snapshot()
	m.listed.keep(recent, failures)
	return recent, failures
}
