package client

import "context"

// ALG-04's cut ends the exchanges in flight on a target whose deregistration delay ran out.
// context.AfterFunc per exchange cost three allocations and an entry in the cut context's map
// of children for a cut that almost never comes; instead the pool keeps, per cut context, the
// set of connections whose exchanges it must end, registered with the context once.

// cutSet is the connections of the exchanges one cut must end.
type cutSet struct {
	conns map[*conn]struct{}
	stop  func() bool
	// fired: the cut came and closed every connection in conns.
	fired bool
}

// joinCut has cut close cn (at once when cut is already done). It returns the set to hand to
// leaveCut, nil when cn was closed at once.
func (p *pool) joinCut(cut context.Context, cn *conn) *cutSet {
	if cut.Err() != nil {
		cn.close()
		return nil
	}
	p.cutMu.Lock()
	defer p.cutMu.Unlock()
	s := p.cuts[cut]
	if s == nil {
		if p.cuts == nil {
			p.cuts = map[context.Context]*cutSet{}
		}
		// A cut that never comes (a target still registered under a new revision's
		// context) must not hold its registration forever: sets nobody is in are dropped
		// when another cut arrives.
		for other, os := range p.cuts {
			if len(os.conns) == 0 {
				os.stop()
				delete(p.cuts, other)
			}
		}
		s = &cutSet{conns: map[*conn]struct{}{}}
		p.cuts[cut] = s
		s.stop = context.AfterFunc(cut, func() { p.fireCut(cut, s) })
	}
	s.conns[cn] = struct{}{}
	return s
}

// leaveCut takes cn out of s once its exchange is over. It reports false when the cut closed cn
// (or is closing it), as context.AfterFunc's stop does.
func (p *pool) leaveCut(s *cutSet, cn *conn) bool {
	if s == nil {
		return false
	}
	p.cutMu.Lock()
	defer p.cutMu.Unlock()
	delete(s.conns, cn)
	return !s.fired
}

// fireCut closes the connections of s: the cut came. Each is closed on a goroutine of its own,
// as with an AfterFunc per exchange: closing a TLS connection may wait to send its alert, and
// neither the other connections nor the pool's lock wait for it.
func (p *pool) fireCut(cut context.Context, s *cutSet) {
	p.cutMu.Lock()
	defer p.cutMu.Unlock()
	s.fired = true
	for cn := range s.conns {
		go cn.close()
	}
	if p.cuts[cut] == s {
		delete(p.cuts, cut)
	}
}
