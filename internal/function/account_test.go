package function

import (
	"errors"
	"testing"
)

// TestAccountConcurrency: unreserved functions share what reservations leave of the account
// limit; when it is used up they are throttled at once (ErrAccountThrottled, an ErrThrottled),
// while a function with reserved concurrency still runs. The unit comes back when the
// invocation ends.
func TestAccountConcurrency(t *testing.T) {
	t.Parallel()
	account := NewAccount(3, 2) // 2 reserved elsewhere: one unreserved invocation at a time
	a, _ := newTestFunction(t, func(s *Spec) { s.Name, s.Reserved, s.Account = "a", -1, account })
	b, _ := newTestFunction(t, func(s *Spec) { s.Name, s.Reserved, s.Account = "b", -1, account })
	reserved, _ := newTestFunction(t, func(s *Spec) { s.Name, s.Reserved, s.Account = "r", 1, account })

	slow := make(chan error, 1)
	go func() {
		_, err := invokeErr(a, `{"action":"sleep","ms":1500}`)
		slow <- err
	}()
	eventually(t, "a's invocation holds the account's unit", func() bool { return account.InUse() == 1 })

	if _, err := invokeErr(b, `{"action":"echo"}`); !errors.Is(err, ErrAccountThrottled) || !errors.Is(err, ErrThrottled) {
		t.Errorf("b while the account is used up: %v; want ErrAccountThrottled", err)
	}
	if st := b.Stats(); st.Throttles != 1 {
		t.Errorf("b's throttle count = %d; want 1", st.Throttles)
	}
	if resp := invoke(t, reserved, `{"action":"echo"}`); resp.FunctionError != "" {
		t.Errorf("reserved function: %s", resp.Payload)
	}
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
	eventually(t, "the unit is released", func() bool { return account.InUse() == 0 })
	if resp := invoke(t, b, `{"action":"echo"}`); resp.FunctionError != "" {
		t.Errorf("b after a finished: %s", resp.Payload)
	}
}
