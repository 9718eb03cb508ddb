package reconcile

import (
	"sync"

	"github.com/albatross-lb/albatross/internal/httptarget"
)

// proxyCache keeps one HTTP proxy, and so one keep-alive pool, per distinct set of options, so
// that reloads do not drop pooled target connections.
type proxyCache struct {
	mu      sync.Mutex
	proxies map[httptarget.Options]*httptarget.Proxy
}

func newProxyCache() *proxyCache {
	return &proxyCache{proxies: map[httptarget.Options]*httptarget.Proxy{}}
}

func (c *proxyCache) get(o httptarget.Options) *httptarget.Proxy {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.proxies[o]
	if !ok {
		p = httptarget.New(o)
		c.proxies[o] = p
	}
	return p
}

func (c *proxyCache) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for o, p := range c.proxies {
		p.Close()
		delete(c.proxies, o)
	}
}
