package function

import (
	"fmt"
	"sync"
)

// ErrAccountThrottled is ErrThrottled when the account's concurrency, shared by every function
// without reserved concurrency, is used up (Lambda's ConcurrentInvocationLimitExceeded).
var ErrAccountThrottled = fmt.Errorf("%w: account concurrency limit reached", ErrThrottled)

// Account is Lambda's account-level concurrency: functions with reserved concurrency are bounded
// by their reservation alone; all the others share what the reservations leave of the limit.
// An invocation holds one unit from acquiring an environment until its end. Safe for concurrent
// use; one Account is shared by every function of a load balancer process.
type Account struct {
	mu       sync.Mutex
	capacity int // limit less the reservations
	inUse    int
}

// NewAccount returns an account whose unreserved functions share limit-reserved invocations.
func NewAccount(limit, reserved int) *Account {
	a := &Account{}
	a.SetLimits(limit, reserved)
	return a
}

// SetLimits changes the limit and the reserved total, e.g. on a configuration reload.
// Invocations in flight keep their units; new ones are throttled until usage is under the
// new capacity.
func (a *Account) SetLimits(limit, reserved int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.capacity = max(limit-reserved, 0)
}

// tryAcquire takes one unit if one is free.
func (a *Account) tryAcquire() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.inUse >= a.capacity {
		return false
	}
	a.inUse++
	return true
}

func (a *Account) release() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.inUse--
}

// InUse reports the unreserved invocations in flight, for metrics.
func (a *Account) InUse() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.inUse
}

// accountUnit is one invocation's hold on the account. Invoke owns it until a run takes it over
// (hand) and gives it back (takeBack) so the next attempt can use it; whoever holds it last
// releases it.
type accountUnit struct {
	account *Account // nil: the function does not draw on the account
	mu      sync.Mutex
	running int  // runs holding the unit: an attempt's run may end after the next one began
	done    bool // Invoke returned
}

// accountUnit takes a unit for one invocation: a unit with no account when the function has
// reserved concurrency or no account is set, nil when the account is used up.
func (f *Function) accountUnit() *accountUnit {
	if f.spec.Account == nil || f.spec.Reserved != -1 {
		return &accountUnit{}
	}
	if !f.spec.Account.tryAcquire() {
		return nil
	}
	return &accountUnit{account: f.spec.Account}
}

func (u *accountUnit) hand() {
	u.mu.Lock()
	u.running++
	u.mu.Unlock()
}

// takeBack ends a run's hold; the unit is released if Invoke has already returned.
func (u *accountUnit) takeBack() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.running--
	if u.done && u.running == 0 {
		u.free()
	}
}

// releaseUnlessHanded ends Invoke's hold; the unit is released unless a run still holds it.
func (u *accountUnit) releaseUnlessHanded() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.done = true
	if u.running == 0 {
		u.free()
	}
}

func (u *accountUnit) free() {
	if u.account != nil {
		u.account.release()
		u.account = nil
	}
}
