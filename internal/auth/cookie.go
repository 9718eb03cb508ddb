package auth

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Session cookie sharding (AUTH-02): the sealed session is split over <name>-0 .. <name>-3, each
// value at most shardSize bytes, so that each cookie stays under browsers' 4 KB limit.
const (
	maxShards = 4
	shardSize = 4000
	// cookieLifetime is the session cookie's expiry, 7 days whatever the session timeout
	// (AUTH-02); the session's own expiry is sealed inside.
	cookieLifetime = 7 * 24 * time.Hour
)

// readShards joins the shards <name>-0, <name>-1, ... present in r, stopping at the first gap.
// It returns "" when there is no <name>-0.
func readShards(r *http.Request, name string) string {
	var b strings.Builder
	for i := range maxShards {
		c, err := r.Cookie(name + "-" + strconv.Itoa(i))
		if err != nil {
			break
		}
		b.WriteString(c.Value)
	}
	return b.String()
}

// shardsPresent counts the shards r carries, so that stale ones can be expired.
func shardsPresent(r *http.Request, name string) int {
	n := 0
	for i := range maxShards {
		if _, err := r.Cookie(name + "-" + strconv.Itoa(i)); err == nil {
			n = i + 1
		}
	}
	return n
}

// writeShards sets value as shards of name, expiring any shard r carries beyond the new count.
// It reports false, setting nothing, when value needs more than maxShards shards. sameSiteNone
// marks the cookie SameSite=None, for cross-origin (CORS) requests (AUTH-02).
func writeShards(w http.ResponseWriter, r *http.Request, name, value string, now time.Time, sameSiteNone bool) bool {
	n := (len(value) + shardSize - 1) / shardSize
	if n > maxShards {
		return false
	}
	for i := range n {
		part := value[i*shardSize : min(len(value), (i+1)*shardSize)]
		c := sessionCookie(name+"-"+strconv.Itoa(i), part, sameSiteNone)
		c.Expires = now.Add(cookieLifetime)
		http.SetCookie(w, c)
	}
	expireShards(w, name, n, shardsPresent(r, name))
	return true
}

// expireShards expires shards from..to-1.
func expireShards(w http.ResponseWriter, name string, from, to int) {
	for i := from; i < to; i++ {
		c := sessionCookie(name+"-"+strconv.Itoa(i), "", false)
		c.Expires = time.Unix(0, 0)
		c.MaxAge = -1
		http.SetCookie(w, c)
	}
}

// sessionCookie has the attributes every session cookie shard carries: Secure always (AUTH-02),
// HttpOnly (scripts have no use for a sealed value), Path=/ so that every path of the listener
// shares the session.
func sessionCookie(name, value string, sameSiteNone bool) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", Secure: true, HttpOnly: true}
	if sameSiteNone {
		c.SameSite = http.SameSiteNoneMode
	}
	return c
}
