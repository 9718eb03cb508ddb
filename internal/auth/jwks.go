package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Limits of a JSON Web Key Set (JWT-02): larger sets are refused and no request is forwarded.
const (
	maxJWKSBytes = 150 << 10
	maxJWKSKeys  = 10
)

// Refresh policy of the key set cache (docs/auth.md).
const (
	// jwksMaxAge is how long a fetched set is used before it is fetched again.
	jwksMaxAge = time.Hour
	// jwksMissInterval is the least time between two fetches caused by unknown kids, so that
	// tokens with made-up kids cannot turn every request into a fetch.
	jwksMissInterval = 10 * time.Second
)

// keySet caches the key set of one JWKS endpoint. It is safe for concurrent use; at most one
// fetch runs at a time.
type keySet struct {
	endpoint  string
	transport http.RoundTripper
	now       func() time.Time

	mu       sync.Mutex
	set      *jose.JSONWebKeySet
	fetched  time.Time
	lastMiss time.Time
}

var errUnknownKey = errors.New("auth: no key in the key set matches the token")

// key returns the key for kid, fetching the set when it is missing, old, or lacks kid. An
// empty kid matches a set's only key.
func (k *keySet) key(ctx context.Context, kid string) (*jose.JSONWebKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	stale := k.set == nil || now.Sub(k.fetched) >= jwksMaxAge
	if !stale {
		if key := lookup(k.set, kid); key != nil {
			return key, nil
		}
		if now.Sub(k.lastMiss) < jwksMissInterval {
			return nil, errUnknownKey
		}
		k.lastMiss = now
	}
	set, err := k.fetch(ctx)
	if err != nil {
		if k.set != nil { // keep serving with the old set while the endpoint fails
			if key := lookup(k.set, kid); key != nil {
				return key, nil
			}
		}
		return nil, err
	}
	k.set, k.fetched = set, now
	if key := lookup(set, kid); key != nil {
		return key, nil
	}
	return nil, errUnknownKey
}

func lookup(set *jose.JSONWebKeySet, kid string) *jose.JSONWebKey {
	if kid == "" {
		if len(set.Keys) == 1 {
			return &set.Keys[0]
		}
		return nil
	}
	if keys := set.Key(kid); len(keys) > 0 {
		return &keys[0]
	}
	return nil
}

// errJWKSLimits reports a key set over JWT-02's limits.
var errJWKSLimits = errors.New("auth: key set over 150 KB or 10 keys")

func (k *keySet) fetch(ctx context.Context) (*jose.JSONWebKeySet, error) {
	ctx, cancel := context.WithTimeout(ctx, idpTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.endpoint, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	rec := &callRecord{}
	resp, err := client(k.transport, rec, maxJWKSBytes).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("auth: key set endpoint answered %s", resp.Status)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		if rec.tooLarge {
			return nil, errJWKSLimits
		}
		return nil, fmt.Errorf("auth: key set: %w", err)
	}
	if len(set.Keys) > maxJWKSKeys {
		return nil, errJWKSLimits
	}
	return &set, nil
}
