// Package cluster joins a node to the others through etcd: the API's desired state kept in one
// etcd key and followed by every node, the stickiness key every node seals cookies with, function
// code uploaded through the API, and leader election for controllers that one node at a time
// must drive (docs/cluster.md). It talks to etcd only through etcd's own Go client.
package cluster

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// DefaultPrefix is where a cluster's keys live when --store names no prefix.
const DefaultPrefix = "/albatross"

// Store is a parsed --store: etcd://[USER:PASSWORD@]HOST:PORT[,HOST:PORT...][/PREFIX], or
// etcds:// for TLS.
type Store struct {
	Endpoints []string // HOST:PORT each
	Prefix    string   // no trailing slash
	TLS       bool
	User      string
	Password  string
}

// ParseStore reads a --store value. Every problem is reported at once.
func ParseStore(s string) (Store, error) {
	var st Store
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return st, fmt.Errorf("--store %q: want etcd://HOST:PORT[,HOST:PORT...][/PREFIX]", s)
	}
	var errs []error
	switch scheme {
	case "etcd":
	case "etcds":
		st.TLS = true
	default:
		errs = append(errs, fmt.Errorf("scheme %q: want etcd or etcds", scheme))
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		userinfo := rest[:at]
		rest = rest[at+1:]
		u, p, _ := strings.Cut(userinfo, ":")
		var err error
		if st.User, err = url.PathUnescape(u); err != nil {
			errs = append(errs, fmt.Errorf("user: %w", err))
		}
		if st.Password, err = url.PathUnescape(p); err != nil {
			errs = append(errs, errors.New("password: invalid escape"))
		}
		if st.User == "" {
			errs = append(errs, errors.New("empty user before @"))
		}
	}
	hosts, prefix, _ := strings.Cut(rest, "/")
	st.Prefix = strings.TrimRight("/"+prefix, "/")
	if st.Prefix == "" {
		st.Prefix = DefaultPrefix
	}
	for h := range strings.SplitSeq(hosts, ",") {
		host, port, err := net.SplitHostPort(h)
		if err != nil || host == "" || port == "" {
			errs = append(errs, fmt.Errorf("endpoint %q: want HOST:PORT", h))
			continue
		}
		st.Endpoints = append(st.Endpoints, h)
	}
	if len(errs) > 0 {
		return Store{}, fmt.Errorf("--store: %w", errors.Join(errs...))
	}
	return st, nil
}

// Redacted returns the store as given, without its password, for logs.
func (s Store) Redacted() string {
	scheme := "etcd"
	if s.TLS {
		scheme = "etcds"
	}
	user := ""
	if s.User != "" {
		user = s.User + ":xxxxx@"
	}
	return scheme + "://" + user + strings.Join(s.Endpoints, ",") + s.Prefix
}
