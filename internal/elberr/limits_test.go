package elberr

import "testing"

// TestLimitAnswers pins the §12 item 14 decisions (LIM-01/02).
func TestLimitAnswers(t *testing.T) {
	testCases := []struct {
		desc   string
		got    *Error
		status int
	}{
		{desc: "header over 16 K or block over 64 K → 400", got: HeaderTooLarge(), status: 400},
		{desc: "request line over 16 K → 414", got: RequestLineTooLarge(), status: 414},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if tc.got.Status != tc.status || tc.got.Source != SourceClient || Page(tc.status) == "" {
				t.Errorf("got %+v, want status %d from the client with a page", tc.got, tc.status)
			}
		})
	}
}
