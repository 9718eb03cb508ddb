// Package runtimeapi serves the AWS Lambda Runtime API (B.1) for one execution environment: the
// HTTP endpoints a runtime polls for events and posts results to. Invocations meet the runtime's
// blocked GET /next through a channel (RIE style); results come back matched by request ID.
//
// The package knows nothing about processes: the caller binds a Server first, passes Addr() to
// the process it spawns as AWS_LAMBDA_RUNTIME_API, and watches that process itself.
package runtimeapi

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	h1server "github.com/albatross-lb/albatross/internal/h1/server"
)

// MaxPayloadSize is the largest response body a runtime may post: 6 MiB plus 100 bytes, the
// constant Lambda uses for synchronous responses (B.3; RIE interop.MaxPayloadSize).
const MaxPayloadSize = 6*1024*1024 + 100

// ErrClosed is returned by Dispatch and WaitReady once the server is closed.
var ErrClosed = errors.New("runtimeapi: server closed")

// ErrUndelivered wraps the reason a Dispatch ended before the runtime received the invocation,
// so the caller knows the event never reached the function and may send it elsewhere.
var ErrUndelivered = errors.New("runtimeapi: invocation not delivered")

// Config describes the function that the environment runs. Every field is optional.
type Config struct {
	// FunctionName, FunctionVersion and Handler are returned to extensions on registration (B.6).
	FunctionName, FunctionVersion, Handler string
	// MaxResponseSize bounds /response and /error bodies; 0 means MaxPayloadSize.
	MaxResponseSize int64
	// AllowPeer, when set, decides for each new connection, from its client and server
	// addresses, whether it comes from a process of the environment; refused connections get a
	// 403 and are closed before anything they send is read. nil accepts every connection.
	AllowPeer func(client, server netip.AddrPort) bool
	// Refused, when set, is told about each refused connection (for a log line).
	Refused func(client netip.AddrPort)
}

// Server is the Runtime API of one execution environment. It is safe for concurrent use. It
// serves on 127.0.0.1 from New until Close.
type Server struct {
	cfg Config
	ln  net.Listener
	srv *h1server.Server
	// oversize serves the connections whose heads exceed the engine's limits (oversize.go).
	oversize oversize
	pending  chan *call // unbuffered: a send succeeds only when a runtime is in GET /next
	closed   chan struct{}

	ready      chan struct{} // closed by the first GET /next: init is done (B.5)
	initFailed chan struct{} // closed by POST /runtime/init/error
	closeOnce  sync.Once

	mu         sync.Mutex
	state      runtimeState
	polling    bool   // a GET /next is blocked right now
	current    *call  // the invocation handed out and not yet answered
	lastID     string // the last invocation answered or abandoned
	initErr    *InitError
	extensions map[string]string // identifier -> name
}

// runtimeState is where the runtime is in its lifecycle; handlers refuse illegal transitions
// with 403 InvalidStateTransition as Lambda does (B.1).
type runtimeState int

const (
	stateInit      runtimeState = iota // started, has not called /next yet
	stateReady                         // waiting for, or between, invocations
	stateInvoking                      // holds an invocation and owes a result
	stateInitError                     // posted /init/error
)

func (s runtimeState) String() string {
	return [...]string{"Init", "Ready", "Invoking", "InitError"}[s]
}

// New binds 127.0.0.1 on an OS-chosen port and starts serving. Binding happens here, before any
// process exists, so the runtime can never race the listener.
func New(cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if cfg.AllowPeer != nil {
		ln = &peerGuard{Listener: ln, allow: cfg.AllowPeer, refused: cfg.Refused}
	}
	s := newServer(cfg)
	s.ln = ln
	s.srv = &h1server.Server{Handler: s.routes(), IdleTimeout: connTimeout, OversizeHead: s.serveOversize}
	go s.serve()
	return s, nil
}

// connTimeout is the engine's idle timeout on Runtime API connections: the longest a connection
// may wait for its next request, take to send a head once begun, or stall a body or a response
// write. net/http's server, used before, never closed an idle connection and gave a head 10 s.
// Here both are past Lambda's longest function timeout (15 min), so that a runtime's keep-alive
// connection left idle while its handler runs is never closed under it (a POST /response on a
// connection the server just closed could be lost), while a connection nobody uses still ends.
// Only processes of the environment can connect (AllowPeer), so a slow head costs nothing to
// anyone else.
const connTimeout = 16 * time.Minute

// serve accepts connections until the listener closes; each is served on a goroutine of its
// own by the HTTP/1.1 engine's connection loop (docs/engine.md), which spawns nothing per
// request. Accept errors other than the close are retried with a growing pause, as net/http's
// server does (too many open files must not end the Runtime API).
func (s *Server) serve() {
	var pause time.Duration
	for {
		c, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.closed:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			pause = min(max(2*pause, 5*time.Millisecond), time.Second)
			t := time.NewTimer(pause)
			select {
			case <-t.C:
			case <-s.closed:
				t.Stop()
				return
			}
			continue
		}
		pause = 0
		go s.srv.ServeConn(c, c)
	}
}

// newServer is a Server that does not listen yet; tests drive its handlers directly.
func newServer(cfg Config) *Server {
	if cfg.MaxResponseSize <= 0 {
		cfg.MaxResponseSize = MaxPayloadSize
	}
	return &Server{
		cfg:        cfg,
		pending:    make(chan *call),
		closed:     make(chan struct{}),
		ready:      make(chan struct{}),
		initFailed: make(chan struct{}),
		extensions: map[string]string{},
	}
}

// Addr is the host:port to hand to the runtime as AWS_LAMBDA_RUNTIME_API (no scheme, B.1).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops serving and fails pending Dispatch and WaitReady calls with ErrClosed. Blocked
// extension /event/next calls receive a SHUTDOWN event first when their connection still lives.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	err := s.ln.Close()
	_ = s.srv.Close()
	s.oversize.close()
	if errors.Is(err, net.ErrClosed) {
		return nil // closed before
	}
	return err
}

// Extensions reports how many extensions registered through the Extensions API.
func (s *Server) Extensions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.extensions)
}

// Runtime API paths (B.1).
const (
	runtimePrefix = "/2018-06-01/runtime"
	nextPath      = runtimePrefix + "/invocation/next"
	resultPrefix  = runtimePrefix + "/invocation/"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	const rt = runtimePrefix
	mux.HandleFunc("GET "+rt+"/invocation/next", s.handleNext)
	mux.HandleFunc("POST "+rt+"/invocation/{id}/response", s.handleResponse)
	mux.HandleFunc("POST "+rt+"/invocation/{id}/error", s.handleInvocationError)
	mux.HandleFunc("POST "+rt+"/init/error", s.handleInitError)
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	const ext = "/2020-01-01/extension"
	mux.HandleFunc("POST "+ext+"/register", s.handleExtensionRegister)
	mux.HandleFunc("GET "+ext+"/event/next", s.handleExtensionNext)
	mux.HandleFunc("POST "+ext+"/init/error", s.handleExtensionError)
	mux.HandleFunc("POST "+ext+"/exit/error", s.handleExtensionError)
	// Telemetry and Logs API subscriptions are accepted and ignored, as RIE does (B.6).
	mux.HandleFunc("PUT /2022-07-01/telemetry", renderStub)
	mux.HandleFunc("PUT /2020-08-15/logs", renderStub)
	return &router{s: s, mux: mux}
}

// router sends the two requests of every invocation, GET /next and POST /{id}/response, to
// their handlers without the ServeMux (its matching costs an allocation and a path clean per
// request), and everything else through it. It takes the short way only for paths the mux
// would route the same way without a redirect (fastRoute; TestFastRouteAgreesWithMux).
type router struct {
	s   *Server
	mux *http.ServeMux
}

// Routes fastRoute can pick.
const (
	routeMux = iota
	routeNext
	routeResponse
)

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch route, id := fastRoute(r); route {
	case routeNext:
		rt.s.handleNext(w, r)
	case routeResponse:
		rt.s.serveResponse(w, r, id)
	default:
		rt.mux.ServeHTTP(w, r)
	}
}

// fastRoute recognises GET /next and POST /invocation/{id}/response with an id the mux would
// give PathValue as is: one segment, not empty, not a dot segment, and no escapes in the path
// (RawPath is set only when the path has escapes that matter, such as %2F).
func fastRoute(r *http.Request) (route int, id string) {
	if r.URL.RawPath != "" {
		return routeMux, ""
	}
	p := r.URL.Path
	switch r.Method {
	case http.MethodGet:
		if p == nextPath {
			return routeNext, ""
		}
	case http.MethodPost:
		rest, ok := strings.CutPrefix(p, resultPrefix)
		if !ok {
			break
		}
		id, ok = strings.CutSuffix(rest, "/response")
		if ok && id != "" && id != "." && id != ".." && !strings.Contains(id, "/") {
			return routeResponse, id
		}
	}
	return routeMux, ""
}
