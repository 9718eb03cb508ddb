package controlapi

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SigV4 verifies AWS Signature Version 4 signatures (Authorization header form) for a set of
// credentials. The algorithm is AWS's "Create a signed AWS API request"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
type SigV4 struct {
	// Credentials maps an access key ID to its secret access key.
	Credentials map[string]string
	// MaxSkew bounds the difference between X-Amz-Date and the clock. Zero means 15 minutes,
	// as AWS allows.
	MaxSkew time.Duration
	// Now is the clock. nil means time.Now.
	Now func() time.Time
}

const sigV4Algorithm = "AWS4-HMAC-SHA256"

// Scope is what a request's credential scope must name: the service of the API called and the
// region Albatross reports. An empty field is not checked.
type Scope struct {
	Service, Region string
}

// Verify checks r's signature and returns a 403 *Error when it is missing or wrong. The body is
// read (the caller bounds it, e.g. with http.MaxBytesReader) and hashed, and put back so that
// handlers can read it again: the hash the signature covers is always the body's own, never only
// the client's X-Amz-Content-Sha256 claim, so a captured signature cannot carry another body.
func (v *SigV4) Verify(r *http.Request, want Scope) *Error {
	p, e := ParseAuthorization(r.Header.Get("Authorization"))
	if e != nil {
		return e
	}
	secret, ok := v.Credentials[p.AccessKey]
	if !ok {
		return deny("InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	if want.Service != "" && p.Service != want.Service {
		return deny("SignatureDoesNotMatch", "Credential should be scoped to correct service: '"+want.Service+"'.")
	}
	if want.Region != "" && p.Region != want.Region {
		return deny("SignatureDoesNotMatch", "Credential should be scoped to a valid region, not '"+p.Region+"'.")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || !strings.HasPrefix(amzDate, p.Date) {
		return deny("IncompleteSignature", "X-Amz-Date must be a valid yyyyMMddTHHmmssZ date matching the credential scope")
	}
	if !slices.Contains(p.SignedHeaders, "x-amz-date") {
		return deny("IncompleteSignature", "x-amz-date must be a signed header")
	}
	if skew := v.now().Sub(t).Abs(); skew > v.maxSkew() {
		return deny("SignatureDoesNotMatch", "Signature expired: "+amzDate+" is not within "+v.maxSkew().String()+" of the server time")
	}
	payloadHash, e := bodyHash(r)
	if e != nil {
		return e
	}
	canonical := canonicalRequest(r, p.SignedHeaders, payloadHash)
	wantSig := signature(secret, amzDate, p.Date, p.Region, p.Service, canonical)
	if !hmac.Equal([]byte(wantSig), []byte(p.Signature)) {
		return deny("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	return nil
}

// Sign is the client side of Verify (used by `albatross targets`): it sets X-Amz-Date to now and
// an Authorization header signing the host and date headers and body with the access key id and
// secret, for region and service.
func Sign(r *http.Request, body []byte, id, secret, region, service string, now time.Time) {
	amzDate := now.UTC().Format("20060102T150405Z")
	r.Header.Set("X-Amz-Date", amzDate)
	signed := []string{"host", "x-amz-date"}
	canonical := canonicalRequest(r, signed, hexSHA256(body))
	date := amzDate[:8]
	scope := date + "/" + region + "/" + service + "/aws4_request"
	r.Header.Set("Authorization", sigV4Algorithm+" Credential="+id+"/"+scope+", SignedHeaders="+
		strings.Join(signed, ";")+", Signature="+signature(secret, amzDate, date, region, service, canonical))
}

// signature returns the hex signature of a canonical request made at amzDate, scoped to date,
// region and service.
func signature(secret, amzDate, date, region, service, canonical string) string {
	scope := date + "/" + region + "/" + service + "/aws4_request"
	toSign := sigV4Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hexSHA256([]byte(canonical))
	return hex.EncodeToString(hmacSHA256(signingKey(secret, date, region, service), []byte(toSign)))
}

func (v *SigV4) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *SigV4) maxSkew() time.Duration {
	if v.MaxSkew > 0 {
		return v.MaxSkew
	}
	return 15 * time.Minute
}

func deny(code, msg string) *Error {
	return &Error{Code: code, Message: msg, Status: http.StatusForbidden}
}

// Authorization is a parsed SigV4 Authorization header.
type Authorization struct {
	AccessKey, Date, Region, Service, Signature string
	SignedHeaders                               []string
}

// ParseAuthorization reads "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/elasticloadbalancing/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=hex" and refuses anything that is not well formed: a
// missing part, a scope that is not date/region/service/aws4_request, signed headers that are not
// lower-case and sorted or leave out host (which binds the request to the API's address, see
// docs/security.md), or a signature that is not 64 hex digits.
func ParseAuthorization(h string) (Authorization, *Error) {
	var a Authorization
	if h == "" {
		return a, deny("MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	alg, rest, _ := strings.Cut(h, " ")
	if alg != sigV4Algorithm {
		return a, deny("IncompleteSignature", "Authorization must use "+sigV4Algorithm)
	}
	var credential bool
	for part := range strings.SplitSeq(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(val, "/")
			if len(f) != 5 || f[4] != "aws4_request" || f[0] == "" || !isScopeDate(f[1]) || f[2] == "" || f[3] == "" {
				return a, deny("IncompleteSignature", "Credential must be AKID/yyyyMMdd/region/service/aws4_request")
			}
			a.AccessKey, a.Date, a.Region, a.Service = f[0], f[1], f[2], f[3]
			credential = true
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(val, ";")
		case "Signature":
			a.Signature = val
		}
	}
	if !credential || len(a.SignedHeaders) == 0 || a.Signature == "" {
		return a, deny("IncompleteSignature", "Authorization needs Credential, SignedHeaders and Signature")
	}
	if !isHexSignature(a.Signature) {
		return a, deny("IncompleteSignature", "Signature must be 64 lower-case hex digits")
	}
	for i, name := range a.SignedHeaders {
		if name == "" || name != strings.ToLower(name) || (i > 0 && a.SignedHeaders[i-1] >= name) {
			return a, deny("IncompleteSignature", "SignedHeaders must be lower-case header names, sorted, each once")
		}
	}
	if !slices.Contains(a.SignedHeaders, "host") {
		return a, deny("IncompleteSignature", "host must be a signed header")
	}
	return a, nil
}

func isScopeDate(s string) bool {
	if len(s) != 8 {
		return false
	}
	_, err := time.Parse("20060102", s)
	return err == nil
}

func isHexSignature(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// bodyHash returns the hex SHA-256 of the body and restores the body. A client's
// X-Amz-Content-Sha256 claim must name that same hash: UNSIGNED-PAYLOAD and streaming forms are
// refused, since Albatross's APIs always have the body in hand.
func bodyHash(r *http.Request) (string, *Error) {
	var body []byte
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(r.Body)
		if err != nil {
			if e := BodyError(r, err); e != nil {
				return "", e
			}
			return "", &Error{Code: "IncompleteSignature", Message: "request body unreadable: " + err.Error(), Status: http.StatusBadRequest}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	sum := hexSHA256(body)
	if claimed := r.Header.Get("X-Amz-Content-Sha256"); claimed != "" && claimed != sum {
		return "", deny("SignatureDoesNotMatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	return sum, nil
}

// canonicalRequest builds the canonical request. Services other than S3 encode the path twice:
// the client signs the escaped path escaped again (aws-sdk-go-v2 v4 signer, botocore).
func canonicalRequest(r *http.Request, signed []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(uriEncode(path, false) + "\n")
	b.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range signed {
		b.WriteString(h + ":" + headerValue(r, h) + "\n")
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n" + payloadHash)
	return b.String()
}

func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return r.Host
	case "content-length":
		if v := r.Header.Get("Content-Length"); v != "" {
			return v
		}
		return strconv.FormatInt(r.ContentLength, 10)
	}
	// Header.Values returns the header's own slice: trim copies, never the request's values.
	vals := r.Header.Values(name)
	trimmed := make([]string, len(vals))
	for i, v := range vals {
		trimmed[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(trimmed, ",")
}

func canonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k, true)+"="+uriEncode(v, true))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// uriEncode percent-encodes every byte outside A-Z a-z 0-9 - _ . ~ (and '/' unless encodeSlash).
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

func hmacSHA256(key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}

func hexSHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Accepts reports whether id and secret are one of v's credential pairs, in constant time in
// the secret (the dashboard's login exchanges them for a session).
func (v *SigV4) Accepts(id, secret string) bool {
	want, ok := v.Credentials[id]
	return ok && hmac.Equal([]byte(want), []byte(secret))
}
