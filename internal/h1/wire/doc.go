// Package wire parses HTTP/1.x request heads (RFC 9112) straight from a connection's read
// buffer and classifies them the way AWS's http-desync-guardian does, so that
// routing.http.desync_mitigation_mode can act on every request (DSY-01, DSY-02).
//
// The parser owns no memory per request: a Head is reused across requests and its slices point
// into the caller's buffer, which must therefore outlive the Head's use. Header names keep the
// case they arrived in. The framing verdict (how long the body is) is kept apart from the
// classification: a body length that cannot be determined is refused in every mode, whereas a
// classification only drives the mode's policy and the access log. docs/engine.md records the
// decisions on every point the guardian and the spec leave open.
package wire
