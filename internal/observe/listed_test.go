package observe

import (
	"net/http"
	"testing"
)

// TestListedRequestsStayOpen: a request a dashboard page listed still opens in the detail view
// after traffic has turned the recent ring over many times, until listedSize later listed
// requests push it out; a request no page listed is gone with the ring, and a failure listed
// among the failures stays as a failure would.
func TestListedRequestsStayOpen(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	o := NewListenerObserver(m, testLB, "HTTP:80", nil)
	observe := func(n int, status int) {
		for range n {
			ex := base()
			outcomes[0].edit(ex)
			ex.Status = status
			o.Observe(ex)
		}
	}
	observe(3, http.StatusOK)
	recent, _ := m.ListRecent()
	shown := recent[0].ID
	observe(1, http.StatusOK)
	unlisted := m.recentID.Load()
	observe(10*recentSize, http.StatusOK) // the ring turns over ten times between two polls
	if _, ok := m.RecentByID(unlisted); ok {
		t.Errorf("request %d, never listed, is still kept after the ring turned over", unlisted)
	}
	if rr, ok := m.RecentByID(shown); !ok || rr.ID != shown || rr.Status != http.StatusOK {
		t.Fatalf("request %d, listed by a page, is gone after the ring turned over (%+v, %v)", shown, rr, ok)
	}

	// Listing the same requests again keeps them once: shown survives until listedSize other
	// requests were listed after it.
	for range 3 {
		m.ListRecent()
	}
	for listed := 0; listed+recentSize <= listedSize-3; listed += recentSize {
		m.ListRecent()
		if _, ok := m.RecentByID(shown); !ok {
			t.Fatalf("request %d gone after %d more listed requests; want it kept up to %d", shown, listed+recentSize, listedSize)
		}
		observe(recentSize, http.StatusOK)
	}
	m.ListRecent()
	if _, ok := m.RecentByID(shown); ok {
		t.Errorf("request %d still kept after more than %d later listed requests: listing is unbounded", shown, listedSize)
	}

	observe(1, http.StatusBadGateway)
	failed := m.recentID.Load()
	_, failures := m.ListRecent()
	if len(failures) == 0 || failures[0].ID != failed {
		t.Fatalf("failures %+v; want the 502 first", failures)
	}
	observe(2*listedSize, http.StatusOK) // fills the recent ring, not the failures ring
	if rr, ok := m.RecentByID(failed); !ok || rr.Status != http.StatusBadGateway {
		t.Errorf("the listed failure %d is gone (%+v, %v)", failed, rr, ok)
	}
}
