package action

import (
	"context"
	"encoding/base64"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/observe"
)

// fakeGroup is a target group that counts the requests it serves.
type fakeGroup struct {
	arn    string
	served int
}

func (g *fakeGroup) TargetGroupARN() string { return g.arn }

func (g *fakeGroup) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	g.served++
	w.Header().Set("X-Group", g.arn)
	return nil
}

var _ TargetGroup = (*fakeGroup)(nil)

func groups(weights ...int) ([]Weighted, []*fakeGroup) {
	ws := make([]Weighted, len(weights))
	gs := make([]*fakeGroup, len(weights))
	for i, w := range weights {
		gs[i] = &fakeGroup{arn: "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/tg" + string(rune('a'+i)) + "/0123456789abcdef"}
		ws[i] = Weighted{Group: gs[i], Weight: w}
	}
	return ws, gs
}

// forwardOnce runs f for one request carrying cookie (may be "") and returns the response
// recorder, the exchange and the error.
func forwardOnce(f *Forward, cookie string) (*httptest.ResponseRecorder, *observe.Exchange, error) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if cookie != "" {
		r.Header.Set("Cookie", cookie)
	}
	ex := &observe.Exchange{}
	r = r.WithContext(observe.WithExchange(context.Background(), ex))
	w := httptest.NewRecorder()
	err := f.ServeHTTP(w, r)
	return w, ex, err
}

// TestForwardWeightedSplit checks FWD-01 over many requests. The bounds are six standard
// deviations of the binomial count, so the test fails only on a wrong split (T34).
func TestForwardWeightedSplit(t *testing.T) {
	testCases := []struct {
		desc    string
		weights []int
		n       int
	}{
		{desc: "T34 10/20 -> 1/3 vs 2/3", weights: []int{10, 20}, n: 30000},
		{desc: "weight 0 never chosen", weights: []int{1, 0, 1}, n: 6000},
		{desc: "five groups up to 999", weights: []int{999, 1, 0, 500, 500}, n: 20000},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			ws, gs := groups(tc.weights...)
			f := NewForward(ws, nil)
			for range tc.n {
				if _, _, err := forwardOnce(f, ""); err != nil {
					t.Fatal(err)
				}
			}
			total := 0
			for _, w := range tc.weights {
				total += w
			}
			for i, g := range gs {
				p := float64(tc.weights[i]) / float64(total)
				want := p * float64(tc.n)
				slack := 6*math.Sqrt(float64(tc.n)*p*(1-p)) + 1
				if d := float64(g.served) - want; d > slack || d < -slack || (tc.weights[i] == 0 && g.served != 0) {
					t.Errorf("group %d (weight %d) served %d, want %.0f ± %.0f", i, tc.weights[i], g.served, want, slack)
				}
			}
		})
	}
}

// TestForwardAllWeightsZero: no group may receive traffic, so the load balancer answers 503.
func TestForwardAllWeightsZero(t *testing.T) {
	t.Parallel()
	ws, gs := groups(0, 0)
	_, ex, err := forwardOnce(NewForward(ws, NewStickiness([]byte("k"), time.Hour)), "")
	var e *elberr.Error
	if !errors.As(err, &e) || e.Status != http.StatusServiceUnavailable {
		t.Fatalf("error %v, want a 503 *elberr.Error", err)
	}
	if gs[0].served+gs[1].served != 0 || ex.ActionsExecuted[0] != NameForward {
		t.Errorf("served %d/%d, actions %v", gs[0].served, gs[1].served, ex.ActionsExecuted)
	}
}

var (
	tgCookie     = regexp.MustCompile(`^AWSALBTG=([A-Za-z0-9+/]+=*); Expires=([^;]+); Path=/$`)
	tgCORSCookie = regexp.MustCompile(`^AWSALBTGCORS=([A-Za-z0-9+/]+=*); Expires=([^;]+); Path=/; SameSite=None; Secure$`)
)

// stickyValue checks the two Set-Cookie lines of FWD-02/STK-02 and returns the cookie value.
func stickyValue(t *testing.T, h http.Header) string {
	t.Helper()
	lines := h.Values("Set-Cookie")
	if len(lines) != 2 {
		t.Fatalf("Set-Cookie %q, want AWSALBTG and AWSALBTGCORS", lines)
	}
	m, mc := tgCookie.FindStringSubmatch(lines[0]), tgCORSCookie.FindStringSubmatch(lines[1])
	if m == nil || mc == nil {
		t.Fatalf("Set-Cookie lines %q do not have the FWD-02 shape", lines)
	}
	if m[1] != mc[1] || m[2] != mc[2] {
		t.Errorf("AWSALBTG and AWSALBTGCORS differ: %q", lines)
	}
	expires, err := time.Parse(http.TimeFormat, m[2])
	if err != nil {
		t.Fatalf("Expires %q: %v", m[2], err)
	}
	if d := time.Until(expires) - 7*24*time.Hour; d > 2*time.Second || d < -2*time.Second {
		t.Errorf("Expires %s, want now + 7 days (STK-02)", m[2])
	}
	return m[1]
}

// TestForwardStickiness covers FWD-02, FWD-03 and T34: the cookies, a valid cookie pinning the
// group, invalid cookies (forged, garbled, URL-encoded, other key) routed by weight with
// AWSALBTGCookieInvalid, an expired cookie re-chosen, and a cookie for a weight-0 group ignored.
func TestForwardStickiness(t *testing.T) {
	t.Parallel()
	key := []byte("stickiness key of this load balancer")
	ws, gs := groups(1, 1, 0)
	f := NewForward(ws, NewStickiness(key, time.Hour))

	w, ex, err := forwardOnce(f, "")
	if err != nil || ex.ErrorReason != "" {
		t.Fatalf("first request: %v, error_reason %q", err, ex.ErrorReason)
	}
	value := stickyValue(t, w.Header())
	chosen := w.Header().Get("X-Group")
	for range 200 {
		w, ex, _ = forwardOnce(f, "AWSALBTG="+value+"; other=1")
		if w.Header().Get("X-Group") != chosen || ex.ErrorReason != "" {
			t.Fatalf("cookie for %s routed to %s (error_reason %q)", chosen, w.Header().Get("X-Group"), ex.ErrorReason)
		}
		stickyValue(t, w.Header()) // refreshed on every response
	}

	valid, _ := base64.StdEncoding.DecodeString(value)
	forged := append([]byte(nil), valid...)
	forged[0] ^= 0xff // another group digest, MAC unchanged
	otherKey := NewStickiness([]byte("someone else's key"), time.Hour).sealer.Seal(digestOf(gs[0].arn), time.Now().Add(time.Hour))
	invalid := map[string]string{
		"forged group":      base64.StdEncoding.EncodeToString(forged),
		"garbled":           "not-a-cookie!",
		"URL-encoded":       url.QueryEscape(value),
		"truncated":         value[:len(value)-8],
		"signed by another": otherKey,
	}
	for desc, v := range invalid {
		if v == value {
			t.Fatalf("%s: value unchanged", desc)
		}
		w, ex, err := forwardOnce(f, "AWSALBTG="+v)
		if err != nil || ex.ErrorReason != "AWSALBTGCookieInvalid" {
			t.Errorf("%s cookie: error %v, error_reason %q, want AWSALBTGCookieInvalid", desc, err, ex.ErrorReason)
		}
		if g := w.Header().Get("X-Group"); g != gs[0].arn && g != gs[1].arn {
			t.Errorf("%s cookie: served by %q", desc, g)
		}
		stickyValue(t, w.Header())
	}

	// A valid cookie naming a group of weight 0 (or of another forward) is not followed.
	zero := f.sticky.sealer.Seal(digestOf(gs[2].arn), time.Now().Add(time.Hour))
	for range 50 {
		if w, ex, _ := forwardOnce(f, "AWSALBTG="+zero); w.Header().Get("X-Group") == gs[2].arn || ex.ErrorReason != "" {
			t.Fatalf("weight-0 group chosen by cookie (error_reason %q)", ex.ErrorReason)
		}
	}
}

// TestForwardStickinessExpiry: a cookie past the configured duration is re-chosen by weight and
// rewritten, without an error_reason (the cookie itself is genuine).
func TestForwardStickinessExpiry(t *testing.T) {
	t.Parallel()
	ws, gs := groups(1, 1)
	f := NewForward(ws, NewStickiness([]byte("k"), time.Minute))
	expired := f.sticky.sealer.Seal(digestOf(gs[0].arn), time.Now().Add(-time.Second))
	seen := map[string]int{}
	for range 200 {
		w, ex, err := forwardOnce(f, "AWSALBTG="+expired)
		if err != nil || ex.ErrorReason != "" {
			t.Fatalf("expired cookie: %v, error_reason %q", err, ex.ErrorReason)
		}
		if v := stickyValue(t, w.Header()); v == expired {
			t.Fatal("expired cookie not rewritten")
		}
		seen[w.Header().Get("X-Group")]++
	}
	if seen[gs[1].arn] == 0 {
		t.Errorf("expired cookie still pins %s: %v", gs[0].arn, seen)
	}
}

// TestForwardStickinessAcrossReloads: a rebuilt forward action (new revision, new group values,
// same ARNs and key) honours cookies the previous revision issued: a reload must not unstick
// clients.
func TestForwardStickinessAcrossReloads(t *testing.T) {
	t.Parallel()
	key := []byte("kept across revisions")
	ws, _ := groups(1, 1)
	w, _, _ := forwardOnce(NewForward(ws, NewStickiness(key, time.Hour)), "")
	value, chosen := stickyValue(t, w.Header()), w.Header().Get("X-Group")

	ws2, _ := groups(1, 1)
	rebuilt := NewForward(ws2, NewStickiness(key, time.Hour))
	for range 100 {
		if w, ex, _ := forwardOnce(rebuilt, "AWSALBTG="+value); w.Header().Get("X-Group") != chosen || ex.ErrorReason != "" {
			t.Fatalf("after reload the cookie went to %s, want %s", w.Header().Get("X-Group"), chosen)
		}
	}
	rekeyed := NewForward(ws2, NewStickiness([]byte("new key"), time.Hour))
	if _, ex, _ := forwardOnce(rekeyed, "AWSALBTG="+value); ex.ErrorReason != "AWSALBTGCookieInvalid" {
		t.Errorf("a cookie from another key: error_reason %q", ex.ErrorReason)
	}
}

// TestForwardSingleGroupSetsNoCookie: with one group there is no choice to keep (FWD-02).
func TestForwardSingleGroupSetsNoCookie(t *testing.T) {
	t.Parallel()
	ws, gs := groups(1)
	w, ex, err := forwardOnce(NewForward(ws, NewStickiness([]byte("k"), time.Hour)), "AWSALBTG=garbage")
	if err != nil || gs[0].served != 1 || ex.ErrorReason != "" {
		t.Fatalf("err %v served %d error_reason %q", err, gs[0].served, ex.ErrorReason)
	}
	if c := w.Header().Values("Set-Cookie"); len(c) != 0 {
		t.Errorf("Set-Cookie %q on a single-group forward", c)
	}
}
