package function

import "time"

// After a code change (renew) the idle workers are stopped. Left at that, the next request
// after a save would pay the cold start of the new code: in the developer loop the save is
// followed by a look at the page, seconds later, and Init is the biggest part of what the
// developer waits for (Python's interpreter start, a Node.js import graph). So renew starts one
// worker on the new code for each idle on-demand worker it stopped, at once, while the
// developer switches windows; an acquire that finds no idle worker while such a start is under
// way waits for it instead of starting another, so a request arriving during the start costs
// no second Init. Provisioned workers are replaced by removeLocked as always.

// prestartLocked starts one on-demand worker ahead of demand, if capacity and the init backoff
// allow. It joins the pool as idle (or goes to the first waiter) once ready. Called with p.mu
// held.
func (p *pool[W]) prestartLocked() {
	if p.closed || p.sizeLocked() >= p.cfg.max || p.backoff.blocked(time.Now()) != nil {
		return
	}
	p.starting++
	p.prestarting++
	code := p.code
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		w, err := p.hooks.start(p.ctx, false)
		r := p.finishStart(w, err, false, code)
		p.mu.Lock()
		defer p.mu.Unlock()
		p.prestarting--
		if r.err == nil {
			p.releaseLocked(r.slot) // to the first waiter, or idle
		}
		// Waiters that queued for a start no longer under way start their own worker (or get
		// the init error while init backs off).
		p.wakeLocked()
	}()
}
